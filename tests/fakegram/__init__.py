"""A fake Telegram Bot API server and the users who talk to the bot through it."""
