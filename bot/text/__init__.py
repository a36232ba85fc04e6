"""Multilingual text analysis: one module per language, shared tokenisation and keys.

Every piece of text that is indexed or searched goes through :func:`bot.text.analyzer.analyze`
so that a question and an article in different scripts end up in one comparable token space.
"""
