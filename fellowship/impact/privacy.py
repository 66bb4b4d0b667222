"""Small-cell suppression for demographic breakdowns.

Every cell with fewer than ``threshold`` people — none included, since "0" next to a hidden "1" tells as
much as the "1" — is shown as "fewer than N". When exactly one cell of a breakdown is hidden, the
next-smallest cell is hidden too, so the hidden count cannot be worked out by subtracting the others from
the total. When the whole group is smaller than the threshold, every cell is hidden.
"""

from __future__ import annotations

HIDDEN = None


def suppress(counts: dict[str, int], threshold: int, total: int | None = None) -> dict[str, int | None]:
    if threshold <= 1:
        return dict(counts)  # exact counts, asked for by an admin for the funder's confidential export
    if total is not None and total < threshold:
        return dict.fromkeys(counts, HIDDEN)
    shown: dict[str, int | None] = {key: (HIDDEN if n < threshold else n) for key, n in counts.items()}
    hidden = [key for key, value in shown.items() if value is HIDDEN]
    if len(hidden) == 1:
        others = sorted((n, key) for key, n in counts.items() if key not in hidden)
        if others:
            shown[others[0][1]] = HIDDEN
    return shown
