"""Channels that deliver an outbox row: WhatsApp, SMS, Web Push, e-mail.

Every channel implements `base.Channel`; the outbox (`blitar_portal/notifications/services.py`)
picks one by name from `CHANNELS` and never knows a provider's protocol.
"""
