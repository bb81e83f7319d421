"""What people see: the X-ray report model, text views, graph exports, reports (:mod:`.report`) and pictures
(:mod:`.plots`).
"""
