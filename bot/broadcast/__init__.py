"""Reaching many chats: the outbox, the pace Telegram allows, and the loop that drives both."""
