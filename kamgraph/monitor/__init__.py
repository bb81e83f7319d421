"""What changes: departures, contact sync, monitoring alerts and their delivery (webhook).
"""
