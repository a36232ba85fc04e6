"""Telegram layer."""
