"""Providers: one interface (base.py) in front of Twilio SMS, SMTP email and the console."""
