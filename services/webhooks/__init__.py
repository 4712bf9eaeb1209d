"""Outgoing webhooks: an organisation's endpoint receives the registry events and the
signals of the sites in its scope, signed, through an outbox with retries.

- :mod:`.endpoints`: creating (URL checks, the secret shown once), deactivating, listing;
- :mod:`.events`: what happened, written as one delivery per endpoint in the transaction
  of the change itself, with care data only for an organisation that may see it;
- :mod:`.signing`: the secret's encryption at rest and the ``Noaber-Signature`` header;
- :mod:`.delivery`: claiming, sending over HTTPS and retrying (the scheduler's outbox).
"""
