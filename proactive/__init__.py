"""Messages the centre sends first: reminders residents agreed to, and staff campaigns."""
