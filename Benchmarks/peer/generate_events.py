#!/usr/bin/env python3
"""Writes the peer benchmark's events as JSON Lines (SPEC §1 fields), reproducibly.

usage: generate_events.py OUT [EVENTS] [CONVERSATIONS]

Defaults: 1,000,000 events over 200,000 conversations, occurred_at increasing over 48 hours
(one event every 172.8 ms of event time, ±200 ms of jitter, so arrival is not strictly in
event-time order). 55 % customer responses, 30 % brand acknowledgements, 10 % broadcasts, 5 %
status changes; conversations are picked with a power-law skew (a few busy, most quiet).
"""
import random
import sys
from datetime import datetime, timedelta, timezone

out = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
conversations = int(sys.argv[3]) if len(sys.argv) > 3 else 200_000
rng = random.Random(42)
start = datetime(2026, 11, 2, 6, 0, tzinfo=timezone.utc)
step = 48 * 3600 * 1000 / n
channels = ["twitter", "instagram", "facebook", "email", "review"]
priorities = ["low", "normal", "normal", "normal", "high", "urgent"]
texts = [
    "@brand my order #48213 still hasn't shipped, it's been two weeks — what is going on?",
    "Hi, can I change the delivery address for my booking? Reference QX7K2, thanks in advance",
    "The app crashes every time I try to pay with my card. Tried reinstalling. Please help!",
]
with open(out, "w", encoding="utf-8") as f:
    for i in range(n):
        c = int((conversations - 1) * rng.random() ** 3)
        k = rng.randrange(100)
        kind = "response" if k < 55 else "acknowledgement" if k < 85 else "broadcast" if k < 95 else "status"
        at = start + timedelta(milliseconds=int(i * step) + rng.randrange(400) - 200)
        stamp = at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"
        customer = kind == "response"
        line = (
            f'{{"id":"ev-{i}","conversation_id":"tw-{1_860_000_000 + c}","kind":"{kind}",'
            f'"occurred_at":"{stamp}","channel":"{channels[c % 5]}",'
            f'"author":{{"id":"{f"cust-{c}" if customer else "acme-care"}",'
            f'"role":"{"customer" if customer else "brand"}","automated":false}},'
            f'"priority":"{priorities[c % 6]}","attributes":{{"language":"en"}}'
        )
        if kind == "status":
            line += f',"status":"{rng.choice(["waiting_on_customer", "open", "closed"])}"'
        if kind in ("response", "acknowledgement"):
            line += f',"text":"{rng.choice(texts)}"'
        f.write(line + "}\n")
