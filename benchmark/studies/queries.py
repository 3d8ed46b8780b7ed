"""The claim and submit statements of the ratings store, built once.

Why: building SQLAlchemy expressions on every call cost more than running them, and these
run on every page a rater sees.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, and_, bindparam, cast, exists, func, insert, literal, or_, select, text, update

from benchmark.studies.models import Assignment, Item, Rater, Rating, Slot

PERM_PRIME = 2_147_483_647  # 2**31 - 1: (ord * mult + offset) mod P is a permutation of items


class Q:
    """Statements with named parameters (``study``, ``rater``, ``item``, ``now`` ...)."""

    B = bindparam
    big = BigInteger()
    item_perm = (cast(Item.ord, big) * bindparam("mult", type_=big) + bindparam("offset", type_=big)) % literal(PERM_PRIME, big)
    rater_perm = select(Rater.perm_mult, Rater.perm_offset).where(Rater.study_id == B("study"), Rater.rater_id == B("rater"))
    # the claim's one read: the rater's stage (an ended session claims nothing), how many
    # assignments they have (the next screen's position), how many hold an item place, and
    # the position of an open one. PostgreSQL: FOR SHARE of the rater, so a screen-out waits
    # for the claim to commit and then takes its place back
    _mine = and_(Assignment.study_id == Rater.study_id, Assignment.rater_id == Rater.rater_id)
    rater_state = select(
        Rater.stage,
        select(func.count()).where(_mine).scalar_subquery().label("n"),
        select(func.count()).where(_mine, Assignment.kind == "item", Assignment.state != "expired")
        .scalar_subquery().label("items_taken"),
        select(func.min(Assignment.position)).where(_mine, Assignment.state == "active").scalar_subquery().label("open_at"),
    ).where(Rater.study_id == B("study"), Rater.rater_id == B("rater"))
    rater_state_pg = rater_state.with_for_update(read=True, of=Rater)
    rater_assignments = select(Assignment.item_id, Assignment.kind, Assignment.state, Assignment.position,
                               Assignment.swapped, Assignment.shown_at, Assignment.submitted_at).where(
        Assignment.study_id == B("study"), Assignment.rater_id == B("rater"))
    open_assignment = rater_assignments.where(Assignment.position == B("position"), Assignment.state == "active")
    _seen_slot = exists().where(Assignment.study_id == B("study"), Assignment.rater_id == B("rater"),
                                Assignment.item_id == Slot.item_id)
    # items this rater could still be given (an open place, not seen by the rater), counted up
    # to "upto" only: the progress bar needs no more, so a page view never counts a whole study
    claimable = select(func.count()).select_from(
        select(Slot.item_id)
        .where(Slot.study_id == B("study"), Slot.status.in_(("free", "leased")),
               or_(Slot.status == "free", Slot.lease_expires < B("now")), ~_seen_slot)
        .distinct().limit(B("upto")).subquery())
    _seen_item = exists().where(Assignment.study_id == B("study"), Assignment.rater_id == B("rater"),
                                Assignment.item_id == Item.item_id)
    pick_check = (select(Item.item_id, Item.kind)
                  .where(Item.study_id == B("study"), Item.kind.in_(("attention", "gold")), ~_seen_item)
                  .order_by(item_perm).limit(1))
    lease_slot = update(Slot).where(Slot.id == B("sid")).values(
        status="leased", rater_id=B("rater"), lease_expires=B("expires"))
    insert_assignment = insert(Assignment)
    assignment = select(Assignment.kind, Assignment.state, Assignment.shown_at, Assignment.swapped).where(
        Assignment.study_id == B("study"), Assignment.rater_id == B("rater"), Assignment.item_id == B("item"))
    assignment_pg = assignment.with_for_update()
    # the submit's first statement: close the open assignment, if it is open and shown long
    # enough (any other case is sorted out by reading it: ``assignment``)
    close_assignment = update(Assignment).where(
        Assignment.study_id == B("study"), Assignment.rater_id == B("rater"), Assignment.item_id == B("item"),
        Assignment.state == "active", or_(B("now") - Assignment.shown_at >= B("min_time"), B("min_time") <= 0)
    ).values(state="done", submitted_at=B("now")).returning(Assignment.kind, Assignment.shown_at, Assignment.swapped)
    fill_my_slot = update(Slot).where(
        Slot.study_id == B("study"), Slot.item_id == B("item"), Slot.rater_id == B("rater"), Slot.status == "leased"
    ).values(status="done", lease_expires=None).returning(Slot.id)
    other_slot = (select(Slot.id).where(
        Slot.study_id == B("study"), Slot.item_id == B("item"),
        or_(Slot.status == "free", and_(Slot.status == "leased", Slot.lease_expires < B("now"))))
        .order_by(Slot.slot_no).limit(1))
    other_slot_pg = other_slot.with_for_update(skip_locked=True)
    fill_slot = update(Slot).where(Slot.id == B("sid")).values(status="done", rater_id=B("rater"), lease_expires=None)
    item_expected = select(Item.expected, Item.text_a, Item.text_b).where(
        Item.study_id == B("study"), Item.item_id == B("item"))
    finish_assignment = update(Assignment).where(
        Assignment.study_id == B("study"), Assignment.rater_id == B("rater"), Assignment.item_id == B("item")
    ).values(state=B("new_state"), submitted_at=B("at"))
    # a screened-out or withdrawn rater's places go back to the pool
    free_rater_slots = update(Slot).where(
        Slot.study_id == B("study"), Slot.rater_id == B("rater"), Slot.status.in_(("done", "leased"))
    ).values(status="free", rater_id=None, lease_expires=None)
    failed_checks = select(func.count(func.distinct(Rating.item_id))).where(
        Rating.study_id == B("study"), Rating.rater_id == B("rater"), Rating.check_passed.is_(False))
    expire_rater_assignments = update(Assignment).where(
        Assignment.study_id == B("study"), Assignment.rater_id == B("rater"), Assignment.state == "active"
    ).values(state="expired")
    # PostgreSQL: the whole new-item claim in one statement. Level by level (the LATERAL is
    # run per level, lazily, and stops at the first level with a place: least-rated first),
    # in the rater's order, skipping places other claimers hold; the lease and the assignment
    # are written by the same statement. The side swap is md5("seed:rater:item") (``swap_of``).
    claim_item_pg = text(f"""
        WITH pick AS (
          SELECT p.id, p.item_id FROM generate_series(0, :k - 1) AS lvl(n)
          CROSS JOIN LATERAL (
            SELECT s.id, s.item_id FROM slots s
            WHERE s.study_id = :study AND s.status IN ('free', 'leased') AND s.slot_no = lvl.n
              AND (s.status = 'free' OR s.lease_expires < :now)
              AND NOT EXISTS (SELECT 1 FROM assignments a
                              WHERE a.study_id = :study AND a.rater_id = :rater AND a.item_id = s.item_id)
            ORDER BY (s.ord * :mult + :offset) % {PERM_PRIME}
            LIMIT 1 FOR UPDATE OF s SKIP LOCKED
          ) p
          LIMIT 1
        ), lease AS (
          UPDATE slots SET status = 'leased', rater_id = :rater, lease_expires = :expires
          FROM pick WHERE slots.id = pick.id RETURNING slots.item_id
        )
        INSERT INTO assignments (study_id, rater_id, item_id, kind, position, swapped, shown_at, submitted_at, state)
        SELECT :study, :rater, item_id, 'item', :position,
               :pairwise AND (get_byte(decode(md5(:swap_key || item_id), 'hex'), 0) & 1) = 1, :now, NULL, 'active'
        FROM lease
        RETURNING item_id, swapped""")

    # PostgreSQL: the common submit in one statement: close the open assignment (shown long
    # enough), fill the rater's leased place, and store the answers when both happened. The
    # caller reads ``filled``/``stored`` and finishes the rare cases (a check item, a lease
    # taken back, a resubmit) with the statements above.
    submit_pg = text("""
        WITH a AS (
          UPDATE assignments SET state = 'done', submitted_at = :now
          WHERE study_id = :study AND rater_id = :rater AND item_id = :item AND state = 'active'
            AND (:now - shown_at >= :min_time OR :min_time <= 0)
          RETURNING kind, shown_at, swapped
        ), s AS (
          UPDATE slots SET status = 'done', lease_expires = NULL
          WHERE study_id = :study AND item_id = :item AND rater_id = :rater AND status = 'leased'
            AND EXISTS (SELECT 1 FROM a WHERE a.kind = 'item')
          RETURNING id
        ), r AS (
          INSERT INTO ratings (study_id, item_id, rater_id, dimension, value, rt_s, submitted_at, check_passed, reason)
          SELECT :study, :item, :rater, d.dim, d.val, greatest(0, :now - a.shown_at), :now, NULL, d.reason
          FROM a, unnest(CAST(:dims AS text[]), CAST(:vals AS text[]), CAST(:reasons AS text[])) AS d(dim, val, reason)
          WHERE a.kind = 'item' AND EXISTS (SELECT 1 FROM s)
          RETURNING 1
        )
        SELECT a.kind, a.shown_at, a.swapped, (SELECT count(*) FROM s) AS filled, (SELECT count(*) FROM r) AS stored
        FROM a""")

    # SQLite: pick and lease one level's place in one UPDATE ... RETURNING, level by level
    # (every item's first place before any second: least-rated first), each level one slice
    # of the claim index. (One statement over all levels would not be cheaper: SQLite
    # evaluates every uncorrelated subquery of a coalesce before the first row.)
    claim_level_sqlite = text(f"""
        UPDATE slots SET status = 'leased', rater_id = :rater, lease_expires = :expires
        WHERE id = (SELECT s.id FROM slots s
                    WHERE s.study_id = :study AND s.status IN ('free', 'leased') AND s.slot_no = :level
                      AND (s.status = 'free' OR s.lease_expires < :now)
                      AND NOT EXISTS (SELECT 1 FROM assignments a
                                      WHERE a.study_id = :study AND a.rater_id = :rater AND a.item_id = s.item_id)
                    ORDER BY (s.ord * :mult + :offset) % {PERM_PRIME} LIMIT 1)
        RETURNING item_id""")

def swap_of(seed, rater_id: str, item_id: str) -> bool:
    """Whether a pairwise item shows its texts swapped to this rater: the low bit of the first
    byte of md5("seed:rater:item"), the same function the PostgreSQL claim computes."""
    import hashlib

    return bool(hashlib.md5(f"{seed}:{rater_id}:{item_id}".encode()).digest()[0] & 1)
