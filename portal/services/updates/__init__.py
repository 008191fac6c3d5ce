"""Case updates: writing and publishing them, what the victim may see of them (staged disclosure),
their dates, reminders and the Victims' Code clock.
"""
