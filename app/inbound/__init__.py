"""Mail coming in: replies to notices become reply letters (or private notes to authors).

Above notifications (it reads the reply tokens notices carry and queues its own emails),
below admin (which may show what came in). Entry points: `flask mail receive`, `flask mail
lmtp`; app.inbound.routing dispatches by the address's prefix ("reply+…").
"""

from flask import Blueprint

bp = Blueprint("inbound", __name__)

from app.inbound import receivers  # noqa: E402, F401
