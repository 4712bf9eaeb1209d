"""The Dutch labels of webhook event types and delivery states."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from services.webhooks import events

EVENT_LABELS = {
    events.UNIT_CREATED: _l("wooneenheid aangemaakt"),
    events.UNIT_CHANGED: _l("wooneenheid gewijzigd"),
    events.MOVED_IN: _l("bewoner ingehuisd"),
    events.MOVED_OUT: _l("bewoner vertrokken"),
    events.MEMBER_ADDED: _l("lid van de vereniging geworden"),
    events.SIGNAL_RAISED: _l("signaal"),
}
STATUS_LABELS = {"pending": _l("wacht"), "sending": _l("bezig"), "sent": _l("afgeleverd"),
                 "failed": _l("opgegeven")}
