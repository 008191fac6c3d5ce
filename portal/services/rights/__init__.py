"""A victim's data rights: subject access, erasure requests, and the retention run that carries out
destruction.
"""
