"""One account at one date: tie strength, importance, the account graph, its compact (CSR) form and the networkx view.
"""
