"""Manifold: markets and their bets as the API gives them (``GET /v0/markets`` or
``/v0/market/ID``, and ``GET /v0/bets``), in one JSON file: an object with a
``markets`` array and a ``bets`` array, or an array of markets each holding its
``bets`` (the older full-market shape). All times are milliseconds since the epoch.

A market: ``id``, ``question``, ``url``, ``outcomeType``, ``closeTime``, ``isResolved``,
``resolution`` (``YES``, ``NO``, ``MKT``, ``CANCEL``), ``resolutionProbability``,
``resolutionTime``, ``textDescription``. A bet: ``id``, ``contractId``, ``userId``,
``userUsername`` (where given), ``createdTime``, ``probBefore``, ``probAfter``,
``amount``, ``shares``, ``isRedemption``, ``isAnte``, ``isLiquidityProvision``,
``isCancelled``, ``isFilled``, ``limitProb``.

Mapping: a binary market is a question (its id, its URL; its text description the
criteria). A trade states no probability, but it moves the market to ``probAfter``:
the price the trader chose to buy or sell to, which is the forecast it implies, by the
pundit ``userUsername`` (else ``userId``). Redemptions, antes and liquidity are not a
trader's choice; a limit order that filled nothing moved no price; a bet without
``probAfter`` implies nothing: each is skipped and counted. Markets that are not binary
(multiple choice, numeric, polls...) are skipped with their bets, and counted. The
market's price itself (each bet's ``probAfter``, the last one in each hour) is a
reference point "Manifold market". ``YES`` / ``NO`` are the outcome; ``CANCEL`` (N/A)
an annulment; ``MKT`` a partial resolution at a probability, which this registry cannot
score as yes or no: an annulment with that probability in the reason (``MKT`` at 100%
or 0% is ``YES`` or ``NO``)."""

from __future__ import annotations

import json
from pathlib import Path

from forecasts.errors import ValidationError
from forecasts.transfer.platforms import Dump, Options, Reference, from_epoch_ms, iso, row_maker
from forecasts.transfer.reading import BadRow

PLATFORM = "manifold"
MARKET_SOURCE = "Manifold market"

_ROW = row_maker(
    (
        "pundit",
        "pundit_platform",
        "pundit_handle",
        "statement",
        "resolution_criteria",
        "resolve_by",
        "question_platform",
        "question_platform_id",
        "question_url",
        "probability",
        "made_at",
        "outcome",
        "known_at",
        "evidence_url",
        "resolution_note",
    )
)


def _load(path: Path) -> tuple[list, list]:
    try:
        data = json.loads(path.read_bytes())
    except UnicodeDecodeError as error:
        raise ValidationError("file", f"{path.name} is not UTF-8 ({error.reason})") from error
    except json.JSONDecodeError as error:
        raise ValidationError(
            "file", f"{path.name} is not JSON ({error.msg}, line {error.lineno})"
        ) from error
    if isinstance(data, dict) and isinstance(data.get("markets"), list):
        markets, bets = data["markets"], data.get("bets") or []
    elif isinstance(data, list):
        markets, bets = data, []
    else:
        raise ValidationError(
            "file",
            f"{path.name} must hold Manifold markets: an object with 'markets' and 'bets' "
            "arrays, or an array of markets with their 'bets'",
        )
    if not isinstance(bets, list):
        raise ValidationError("file", f"{path.name}: 'bets' must be an array")
    for market in markets:
        if isinstance(market, dict) and isinstance(market.get("bets"), list):
            bets = [*bets, *market["bets"]] if bets else list(market["bets"])
    return markets, bets


def _resolution(market: dict) -> tuple[str, str, str, str]:
    if not market.get("isResolved") or not market.get("resolution"):
        return "", "", "", ""
    resolution = str(market["resolution"]).upper()
    known = market.get("resolutionTime")
    known_at = iso(from_epoch_ms(known)) if isinstance(known, int | float) else ""
    url = str(market.get("url") or "")
    if resolution == "MKT":
        p = market.get("resolutionProbability")
        if p in (1, 1.0):
            return "yes", known_at, url, "resolved MKT at 100% on Manifold"
        if p in (0, 0.0):
            return "no", known_at, url, "resolved MKT at 0% on Manifold"
        shown = f" at {p:.0%}" if isinstance(p, int | float) else ""
        return (
            "annulled",
            known_at,
            url,
            f"resolved MKT{shown} on Manifold: a partial resolution, which this registry "
            "cannot score as yes or no",
        )
    if resolution == "CANCEL":
        return "annulled", known_at, url, "cancelled on Manifold (resolved N/A)"
    return resolution.lower(), known_at, url, ""


def read(path: Path, options: Options) -> Dump:
    dump = Dump(PLATFORM, rows=lambda progress: _rows(path, dump, progress))
    return dump


def _rows(path: Path, dump: Dump, progress):
    markets, bets = _load(path)
    if progress is not None:
        progress(path.stat().st_size)
    binary: dict[str, tuple] = {}
    skipped_markets: set[str] = set()
    for number, market in enumerate(markets, start=1):
        if not isinstance(market, dict) or not market.get("id"):
            yield number, BadRow("markets", "each must be an object with an 'id'", "")
            continue
        mid = str(market["id"])
        kind = str(market.get("outcomeType") or "").upper()
        if kind != "BINARY":
            skipped_markets.add(mid)
            dump.skipped[f"{kind.lower() or 'untyped'} markets (not yes/no)"] += 1
            continue
        close = market.get("closeTime")
        description = market.get("textDescription")
        binary[mid] = (
            str(market.get("question") or "").strip(),
            description.strip() if isinstance(description, str) else "",
            iso(from_epoch_ms(close)) if isinstance(close, int | float) else "",
            str(market.get("url") or ""),
            _resolution(market),
        )
    hours: dict[tuple, Reference] = {}
    trades = 0
    for number, bet in enumerate(bets, start=1):
        if not isinstance(bet, dict):
            yield number, BadRow("bets", "each must be a JSON object", str(bet)[:80])
            continue
        mid = str(bet.get("contractId") or "")
        market = binary.get(mid)
        where = f"bet {bet.get('id') or number}"
        if market is None:
            if mid in skipped_markets:
                dump.skipped["trades on the markets skipped"] += 1
            else:
                yield number, BadRow(f"{where}: contractId", "names no market in the file", mid)
            continue
        if bet.get("isRedemption"):
            dump.skipped["redemptions (automatic, not a trader's choice)"] += 1
            continue
        if bet.get("isAnte") or bet.get("isLiquidityProvision"):
            dump.skipped["antes and liquidity (no trader's forecast)"] += 1
            continue
        if not bet.get("shares") and not bet.get("amount"):
            dump.skipped["limit orders that filled nothing (no trade)"] += 1
            continue
        after = bet.get("probAfter")
        if after is None:
            dump.skipped["trades with no probAfter (no probability implied)"] += 1
            continue
        created = bet.get("createdTime")
        if isinstance(after, bool) or not isinstance(after, int | float) or not 0 <= after <= 1:
            yield number, BadRow(f"{where}: probAfter", "must be a number from 0 to 1", str(after))
            continue
        if isinstance(created, bool) or not isinstance(created, int | float):
            yield (
                number,
                BadRow(
                    f"{where}: createdTime", "must be milliseconds since the epoch", str(created)
                ),
            )
            continue
        moment = from_epoch_ms(created)
        user = str(bet.get("userUsername") or bet.get("userId") or "").strip()
        statement, criteria, close, url, resolution = market
        trades += 1
        point = Reference((PLATFORM, mid), MARKET_SOURCE, moment, float(after), url or None)
        hour = (mid, moment.replace(minute=0, second=0, microsecond=0))
        if hour not in hours or hours[hour].at <= moment:
            hours[hour] = point
        yield (
            number,
            _ROW(
                user,
                PLATFORM,
                user,
                statement,
                criteria,
                close,
                PLATFORM,
                mid,
                url,
                repr(float(after)),
                moment.isoformat(),
                *resolution,
            ),
        )
    dump.references.extend(hours.values())
    dump.origins.append(
        f"from {path.name}: {len(markets)} Manifold markets ({len(binary)} binary), "
        f"{len(bets)} bets; {trades} trades imported as the probability they moved the "
        f"market to (probAfter); the market price as {len(hours)} hourly reference points"
    )
