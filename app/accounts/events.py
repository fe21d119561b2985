"""What happens to a colleague's account, told to the features above that care (blinker).

Each signal's sender is the user. A receiver adds to the session and never commits.
"""

from __future__ import annotations

from blinker import Namespace

account_signals = Namespace()

# The display name changed (search finds their letters by the new name).
name_changed = account_signals.signal("name-changed")
# What pages show of the colleague was saved: name, role, bio, picture.
profile_changed = account_signals.signal("profile-changed")
