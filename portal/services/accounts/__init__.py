"""Accounts and signing in: people, invitations, passphrases, sessions, two-step codes,
organisations and provisioning.
"""
