"""What a dismantled device gives the parts bin, as the workshop's API takes it."""

from __future__ import annotations

DISMANTLING = {
    "barrier": 6,
    "reason": "Motherboard dead, case cracked",
    "parts": [
        {"name": "Écran 14 pouces", "kind": "screen", "condition": "working"},
        {"name": "Barrette DDR4 8 Go", "kind": "memory", "condition": "untested", "quantity": 2},
    ],
}
