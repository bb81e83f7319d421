"""stub"""
def looks_like_hubspot(header, path=None):
    return False
