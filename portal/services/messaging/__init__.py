"""Secure messaging between a victim and their ISVA service, and the staff-side tools around it
(inbox, notes, cover, call-backs).
"""
