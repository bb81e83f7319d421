"""stub"""
def looks_like_salesforce(header, path=None):
    return False
