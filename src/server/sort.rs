//! SORT and SORT_RO.
//!
//! Mirrors: `sort.c` (`sortCommandGeneric`, `sortroCommand`,
//! `sortCommand`, `lookupKeyByPattern`, `sortCompare`) and `pqsort.c`
//! (`pqsort`, `_pqsort`, `med3`).
//!
//! SORT copies the elements of a list, set or sorted set into a vector,
//! gives each one a weight, sorts the vector and then either replies with
//! a window of it (LIMIT) or stores that window as a list (STORE). The
//! weight is the element itself or, with `BY pattern`, the value found by
//! replacing the pattern's first `*` with the element: a string key, or a
//! hash field when the pattern goes on with `->field`.
//!
//! ```text
//!   argv ──parse──▶ SortOptions
//!   key  ──load───▶ [Item { elem, score, cmp }]  (only the LIMIT window
//!                                                 when nothing is sorted)
//!        ──weigh──▶ score = strtod(weight) | cmp = weight (ALPHA + BY)
//!        ──sort───▶ by score (ties: elements byte-wise) or by cmp /
//!                   elem as C strings (ALPHA); stable, or pqsort
//!                   for BY with a LIMIT window
//!        ──output─▶ reply [elem | GET values] or STORE a list
//! ```
//!
//! The comparison follows `sortCompare`: numeric weights compare as
//! doubles and break ties by comparing the elements' bytes, so the result
//! never depends on the sort algorithm; ALPHA compares with `strcoll`,
//! which in the C locale is `strcmp` (bytes up to the first NUL), except
//! with STORE, where whole strings are compared byte-wise. A missing BY
//! weight counts as 0, or as the smallest string with ALPHA. A constant BY
//! pattern (no `*`) means "do not sort": lists and sorted sets keep their
//! own order (reversed by DESC), and a set being STOREd is sorted ALPHA
//! instead so replicas see the same list.
//!
//! Weights are parsed as C's `strtod` reads them (leading blanks, hex,
//! `inf`, an empty string reading as 0); NaN and out-of-range values
//! (overflow, underflow, subnormals) make the whole command fail with
//! `One or more scores can't be converted into double`.
//!
//! Sorting: Redis calls glibc's `qsort`, a stable merge sort on the
//! glibc it ships with, so a stable sort gives the same order; with BY and
//! a LIMIT window it calls its own partial quicksort (`pqsort.c`), which is
//! not stable, so [`pqsort`] ports it step for step: the order it leaves
//! equal ALPHA weights in shows in the reply.
//!
//! Change counting (`server.dirty`): STORE adds one per element stored
//! (GET values included), or one for deleting the destination when there
//! is nothing to store, unlike the set and sorted-set *STORE commands,
//! which count a whole result as one change.
//!
//! Deviations from Redis: the scripting special case (a set sorted BY a
//! constant inside a script) and the ACL and cluster checks on BY/GET
//! patterns do not apply, as those features are not present. In COMMAND
//! DOCS the BY/GET patterns carry no `key_spec_index`. Sets with a
//! hashtable encoding, and sorted sets, load in an order that differs
//! from Redis's dict order; only ALPHA BY weights that compare equal can
//! show it.

use std::cmp::Ordering;

use super::commands::{
    acl, arg, cmd, Arg, ArgType, BeginSearch, CommandSpec, FindKeys, KeySpec, BASE,
};
use super::errors::CommandError;
use super::notify::class;
use super::object::Value;
use super::resp::{string_to_i64, Argv};
use super::t_list::{End, List, Shape};
use super::{ClientId, Server};

/// Every command of this module, for the command table.
pub static COMMANDS: [&CommandSpec; 2] = [&SORT, &SORT_RO];

const COMPLEXITY: &str = "O(N+M*log(M)) where N is the number of elements in the list or set to \
sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).";

const SORTED_KEY: KeySpec = KeySpec::range(1, 0, &["RO", "access"]);

const PATTERN_KEYS: KeySpec = KeySpec {
    notes: "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive \
from the content of the key we sort",
    flags: &["RO", "access"],
    begin: BeginSearch::Unknown,
    find: FindKeys::Unknown,
};

const STORE_KEY: KeySpec = KeySpec {
    notes: "For the optional STORE keyword. It is marked 'unknown' because the keyword can appear \
anywhere in the argument array",
    flags: &["OW", "update"],
    begin: BeginSearch::Unknown,
    find: FindKeys::Unknown,
};

/// The arguments SORT and SORT_RO share, up to ALPHA.
macro_rules! sort_args {
    ($($extra:expr),*) => {
        &[
            Arg::new("key", ArgType::Key(0)),
            Arg::new("pattern", ArgType::Pattern)
                .token("BY")
                .flags(arg::OPTIONAL),
            Arg::new(
                "offset_count",
                ArgType::Block(&[
                    Arg::new("offset", ArgType::Integer),
                    Arg::new("count", ArgType::Integer),
                ]),
            )
            .token("LIMIT")
            .flags(arg::OPTIONAL),
            Arg::new("pattern", ArgType::Pattern)
                .token("GET")
                .flags(arg::OPTIONAL | arg::MULTIPLE | arg::MULTIPLE_TOKEN),
            Arg::new(
                "order",
                ArgType::OneOf(&[
                    Arg::new("asc", ArgType::PureToken).token("ASC"),
                    Arg::new("desc", ArgType::PureToken).token("DESC"),
                ]),
            )
            .flags(arg::OPTIONAL),
            Arg::new("sorting", ArgType::PureToken)
                .token("ALPHA")
                .flags(arg::OPTIONAL),
            $($extra),*
        ]
    };
}

/// `sortCommand`.
pub static SORT: CommandSpec = CommandSpec {
    name: "sort",
    proc_: sort_command,
    arity: -2,
    flags: cmd::WRITE | cmd::DENYOOM,
    acl: acl::SET | acl::SORTEDSET | acl::LIST | acl::DANGEROUS,
    key_specs: &[SORTED_KEY, PATTERN_KEYS, STORE_KEY],
    summary: "Sort the elements of a list, set or sorted set, optionally storing the result",
    since: "1.0.0",
    group: "generic",
    complexity: COMPLEXITY,
    args: sort_args!(Arg::new("destination", ArgType::Key(2))
        .token("STORE")
        .flags(arg::OPTIONAL)),
    get_keys_proc: Some(sort_get_keys),
    ..BASE
};

/// `sortroCommand`.
pub static SORT_RO: CommandSpec = CommandSpec {
    name: "sort_ro",
    proc_: sort_ro_command,
    arity: -2,
    flags: cmd::READONLY,
    acl: acl::SET | acl::SORTEDSET | acl::LIST | acl::DANGEROUS,
    key_specs: &[SORTED_KEY, PATTERN_KEYS],
    summary: "Sort the elements of a list, set or sorted set without storing anything",
    since: "7.0.0",
    group: "generic",
    complexity: COMPLEXITY,
    args: sort_args!(),
    ..BASE
};

/// The keys of a SORT call with their key-spec flags (`sortGetKeys`): the
/// sorted key, then the destination of the last `STORE`. Options are
/// skipped with their arguments (`LIMIT` two, `BY` and `GET` one), so a
/// pattern that reads `store` is not taken for the keyword. SORT's
/// `get_keys_proc`, which COMMAND GETKEYS uses instead of the key specs.
pub fn sort_get_keys(argv: &[Vec<u8>]) -> Vec<(usize, &'static [&'static str])> {
    let mut keys = vec![(1, SORTED_KEY.flags)];
    let mut store = None;
    let mut i = 2;
    while i < argv.len() {
        let word = argv[i].to_ascii_lowercase();
        match word.as_slice() {
            b"limit" => i += 2,
            b"get" | b"by" => i += 1,
            b"store" if i + 1 < argv.len() => store = Some(i + 1),
            _ => {}
        }
        i += 1;
    }
    keys.extend(store.map(|s| (s, STORE_KEY.flags)));
    keys
}

fn sort_command(server: &mut Server, id: ClientId, argv: &Argv) {
    sort_generic(server, id, argv, false);
}

fn sort_ro_command(server: &mut Server, id: ClientId, argv: &Argv) {
    sort_generic(server, id, argv, true);
}

/// The parsed options of one SORT call.
struct SortOptions {
    desc: bool,
    alpha: bool,
    limit_start: i64,
    limit_count: i64,
    by: Option<Vec<u8>>,
    /// BY with a constant pattern: keep the container's order.
    dontsort: bool,
    gets: Vec<Vec<u8>>,
    store: Option<Vec<u8>>,
}

/// One element of the sorting vector (`redisSortObject`).
struct Item {
    elem: Vec<u8>,
    score: f64,
    /// The BY weight for ALPHA sorting; `None` when the weight is missing.
    cmp: Option<Vec<u8>>,
}

/// The bytes C string functions see: everything before the first NUL.
fn cstr(bytes: &[u8]) -> &[u8] {
    match bytes.iter().position(|&b| b == 0) {
        Some(n) => &bytes[..n],
        None => bytes,
    }
}

/// Parses the options after the key, in order, stopping at the first
/// error as Redis does.
fn parse_options(argv: &Argv, readonly: bool) -> Result<SortOptions, CommandError> {
    let mut o = SortOptions {
        desc: false,
        alpha: false,
        limit_start: 0,
        limit_count: -1,
        by: None,
        dontsort: false,
        gets: Vec::new(),
        store: None,
    };
    let mut j = 2;
    while j < argv.len() {
        let left = argv.len() - j - 1;
        let word = argv[j].to_ascii_lowercase();
        match word.as_slice() {
            b"asc" => o.desc = false,
            b"desc" => o.desc = true,
            b"alpha" => o.alpha = true,
            b"limit" if left >= 2 => {
                o.limit_start = string_to_i64(&argv[j + 1]).ok_or(CommandError::NotAnInteger)?;
                o.limit_count = string_to_i64(&argv[j + 2]).ok_or(CommandError::NotAnInteger)?;
                j += 2;
            }
            b"store" if left >= 1 && !readonly => {
                o.store = Some(argv[j + 1].to_vec());
                j += 1;
            }
            b"by" if left >= 1 => {
                let pattern = argv[j + 1].to_vec();
                // A pattern without `*` names one fixed key: nothing to
                // weigh, so nothing to sort.
                o.dontsort = !cstr(&pattern).contains(&b'*');
                o.by = Some(pattern);
                j += 1;
            }
            b"get" if left >= 1 => {
                o.gets.push(argv[j + 1].to_vec());
                j += 1;
            }
            _ => return Err(CommandError::Syntax),
        }
        j += 1;
    }
    Ok(o)
}

/// The value a BY or GET pattern names for `subst` (`lookupKeyByPattern`):
/// `#` is the element itself; otherwise the first `*` is replaced by the
/// element and the key read as a string, or, with `->field` after the
/// `*`, as a hash field. Anything missing or of another type is `None`.
fn lookup_by_pattern(
    server: &mut Server,
    db: usize,
    pattern: &[u8],
    subst: &[u8],
) -> Option<Vec<u8>> {
    let visible = cstr(pattern);
    if visible == b"#" {
        return Some(subst.to_vec());
    }
    let star = visible.iter().position(|&b| b == b'*')?;
    let after = star + 1;
    // `->` must come after the `*` and be followed by a non-empty field.
    let arrow = visible[after..]
        .windows(2)
        .position(|w| w == b"->")
        .map(|n| after + n)
        .filter(|&a| a + 2 < visible.len());
    let (postfix, field) = match arrow {
        Some(a) => (&pattern[after..a], Some(&pattern[a + 2..])),
        None => (&pattern[after..], None),
    };
    let mut key = Vec::with_capacity(star + subst.len() + postfix.len());
    key.extend_from_slice(&pattern[..star]);
    key.extend_from_slice(subst);
    key.extend_from_slice(postfix);
    let obj = server.lookup_read(db, &key)?;
    match (field, &obj.value) {
        (Some(f), Value::Hash(h)) => h.get(f).map(<[u8]>::to_vec),
        (None, v) if v.is_string() => Some(v.string_bytes().into_owned()),
        _ => None,
    }
}

/// A weight as SORT reads it with C's `strtod`: the text up to the first
/// NUL must be one number, leading blanks allowed, an empty text reading
/// as 0. NaN and values out of range (`ERANGE`: overflow, underflow or a
/// subnormal result) are refused.
fn parse_weight(bytes: &[u8]) -> Option<f64> {
    let text = cstr(bytes);
    if text.is_empty() {
        return Some(0.0);
    }
    let start = text
        .iter()
        .position(|c| !matches!(c, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r'))?;
    let text = &text[start..];
    let (negative, body) = match text.first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let lower = body.to_ascii_lowercase();
    let (value, nonzero_digits) = if lower.starts_with(b"0x") {
        parse_hex(&body[2..])?
    } else {
        if !body
            .first()
            .is_some_and(|c| c.is_ascii_digit() || *c == b'.' || *c == b'i' || *c == b'I')
        {
            return None;
        }
        let v: f64 = std::str::from_utf8(body).ok()?.parse().ok()?;
        let mantissa = lower.split(|&c| c == b'e').next().unwrap_or(&[]);
        (v, mantissa.iter().any(|c| (b'1'..=b'9').contains(c)))
    };
    if value.is_nan() {
        return None;
    }
    let overflow = value.is_infinite() && !lower.starts_with(b"inf");
    let underflow = (value == 0.0 && nonzero_digits) || (value != 0.0 && value.is_subnormal());
    if overflow || underflow {
        return None;
    }
    Some(if negative { -value } else { value })
}

/// A hexadecimal float after its `0x`: digits, an optional fraction and
/// an optional binary exponent `p[+-]N`. Returns the value and whether
/// any digit was non-zero.
fn parse_hex(text: &[u8]) -> Option<(f64, bool)> {
    let mut value = 0.0f64;
    let mut digits = 0usize;
    let mut nonzero = false;
    let mut scale = 0i64;
    let mut seen_dot = false;
    let mut i = 0;
    while let Some(&c) = text.get(i) {
        if c == b'.' && !seen_dot {
            seen_dot = true;
        } else if let Some(d) = (c as char).to_digit(16) {
            value = value * 16.0 + f64::from(d);
            nonzero |= d != 0;
            digits += 1;
            if seen_dot {
                scale -= 4;
            }
        } else {
            break;
        }
        i += 1;
    }
    if digits == 0 {
        return None;
    }
    if let Some(b'p' | b'P') = text.get(i) {
        let exp = string_to_i64(&text[i + 1..])?;
        scale = scale.saturating_add(exp);
    } else if i != text.len() {
        return None;
    }
    let exp = i32::try_from(scale.clamp(-4000, 4000)).unwrap_or(0);
    Some((value * 2f64.powi(exp), nonzero))
}

/// The LIMIT window as `[start, end]` over `len` elements, `end < start`
/// when empty, with Redis's clamping of negative and oversized values.
fn limit_window(len: i64, limit_start: i64, limit_count: i64) -> (i64, i64) {
    let mut start = limit_start.max(0).min(len);
    let count = limit_count.max(-1).min(len);
    let mut end = if count < 0 {
        len - 1
    } else {
        start + count - 1
    };
    if start >= len {
        start = len - 1;
        end = len - 2;
    }
    if end >= len {
        end = len - 1;
    }
    (start, end)
}

/// `pqsort`: Bentley and McIlroy's quicksort (as in NetBSD's `qsort`)
/// that only sorts the parts overlapping the window `[lo, hi]`. It is not
/// stable, and the order it leaves equal elements in is what Redis
/// replies with, so the pivot choice and the partitioning are kept step
/// for step.
fn pqsort<T>(v: &mut [T], lo: i64, hi: i64, cmp: &impl Fn(&T, &T) -> Ordering) {
    let (mut a, mut n) = (0, v.len());
    pqsort_range(v, &mut a, &mut n, lo, hi, cmp);
}

/// Whether `[base, base + len)` lies wholly outside the window.
fn outside(base: usize, len: usize, lo: i64, hi: i64) -> bool {
    let first = i64::try_from(base).unwrap_or(i64::MAX);
    let last = i64::try_from(base + len).unwrap_or(i64::MAX) - 1;
    (lo < first && hi < first) || (lo > last && hi > last)
}

/// The median of three positions (`med3`).
fn med3<T>(v: &[T], a: usize, b: usize, c: usize, cmp: &impl Fn(&T, &T) -> Ordering) -> usize {
    use Ordering::{Greater, Less};
    if cmp(&v[a], &v[b]) == Less {
        if cmp(&v[b], &v[c]) == Less {
            b
        } else if cmp(&v[a], &v[c]) == Less {
            c
        } else {
            a
        }
    } else if cmp(&v[b], &v[c]) == Greater {
        b
    } else if cmp(&v[a], &v[c]) == Less {
        a
    } else {
        c
    }
}

/// Insertion sort of `v[a..a + n]`.
fn insertion_sort<T>(v: &mut [T], a: usize, n: usize, cmp: &impl Fn(&T, &T) -> Ordering) {
    for m in a + 1..a + n {
        let mut l = m;
        while l > a && cmp(&v[l - 1], &v[l]) == Ordering::Greater {
            v.swap(l, l - 1);
            l -= 1;
        }
    }
}

/// Swaps `v[x..x + n]` with `v[y..y + n]`, element by element (`vecswap`).
fn vec_swap<T>(v: &mut [T], x: usize, y: usize, n: usize) {
    for i in 0..n {
        v.swap(x + i, y + i);
    }
}

/// The body of [`pqsort`] over `v[a..a + n]`: recurses into the lower
/// part and loops on the upper one.
fn pqsort_range<T>(
    v: &mut [T],
    a: &mut usize,
    n: &mut usize,
    lo: i64,
    hi: i64,
    cmp: &impl Fn(&T, &T) -> Ordering,
) {
    use Ordering::{Equal, Greater, Less};
    loop {
        let (base, len) = (*a, *n);
        if len < 7 {
            return insertion_sort(v, base, len, cmp);
        }
        // Pick the pivot: a median of three, or of three medians.
        let mut pm = base + len / 2;
        if len > 7 {
            let mut pl = base;
            let mut pn = base + len - 1;
            if len > 40 {
                let d = len / 8;
                pl = med3(v, pl, pl + d, pl + 2 * d, cmp);
                pm = med3(v, pm - d, pm, pm + d, cmp);
                pn = med3(v, pn - 2 * d, pn - d, pn, cmp);
            }
            pm = med3(v, pl, pm, pn, cmp);
        }
        v.swap(base, pm);
        // Partition, keeping elements equal to the pivot at both ends.
        let mut swapped = false;
        let (mut pa, mut pb) = (base + 1, base + 1);
        let (mut pc, mut pd) = (base + len - 1, base + len - 1);
        loop {
            while pb <= pc {
                let r = cmp(&v[pb], &v[base]);
                if r == Greater {
                    break;
                }
                if r == Equal {
                    swapped = true;
                    v.swap(pa, pb);
                    pa += 1;
                }
                pb += 1;
            }
            while pb <= pc {
                let r = cmp(&v[pc], &v[base]);
                if r == Less {
                    break;
                }
                if r == Equal {
                    swapped = true;
                    v.swap(pc, pd);
                    pd -= 1;
                }
                pc -= 1;
            }
            if pb > pc {
                break;
            }
            v.swap(pb, pc);
            swapped = true;
            pb += 1;
            pc -= 1;
        }
        if !swapped {
            return insertion_sort(v, base, len, cmp);
        }
        // Move the equal runs to the middle.
        let pn = base + len;
        let r = (pa - base).min(pb - pa);
        vec_swap(v, base, pb - r, r);
        let r = (pd - pc).min(pn - pd - 1);
        vec_swap(v, pb, pn - r, r);
        // Sort only the parts that overlap the window.
        let r = pb - pa;
        if r > 1 && !outside(base, r, lo, hi) {
            let (mut sub_a, mut sub_n) = (base, r);
            pqsort_range(v, &mut sub_a, &mut sub_n, lo, hi, cmp);
        }
        let r = pd - pc;
        if r > 1 {
            *a = pn - r;
            *n = r;
            if !outside(*a, r, lo, hi) {
                continue;
            }
        }
        return;
    }
}

/// `sortCompare`, before DESC is applied.
fn compare(a: &Item, b: &Item, o: &SortOptions) -> Ordering {
    if !o.alpha {
        return a
            .score
            .partial_cmp(&b.score)
            .unwrap_or(Ordering::Equal)
            .then_with(|| a.elem.cmp(&b.elem));
    }
    // strcoll in the C locale sees C strings; STORE compares whole strings.
    let text_cmp = |x: &[u8], y: &[u8]| {
        if o.store.is_some() {
            x.cmp(y)
        } else {
            cstr(x).cmp(cstr(y))
        }
    };
    if o.by.is_some() {
        match (&a.cmp, &b.cmp) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Less,
            (Some(_), None) => Ordering::Greater,
            (Some(x), Some(y)) => text_cmp(x, y),
        }
    } else {
        text_cmp(&a.elem, &b.elem)
    }
}

fn item(elem: Vec<u8>) -> Item {
    Item {
        elem,
        score: 0.0,
        cmp: None,
    }
}

/// Loads the elements to sort. When nothing is sorted, a list or sorted
/// set loads only the LIMIT window, in DESC order if asked, and the window
/// is moved to start at 0.
fn load_items(value: Option<&mut Value>, o: &SortOptions, window: &mut (i64, i64)) -> Vec<Item> {
    let (start, end) = *window;
    let n = usize::try_from(end - start + 1).unwrap_or(0);
    let skip = usize::try_from(start).unwrap_or(0);
    match value {
        Some(Value::List(l)) if o.dontsort => {
            *window = (0, end - start);
            if o.desc {
                l.iter_rev()
                    .skip(skip)
                    .take(n)
                    .map(|e| item(e.to_vec()))
                    .collect()
            } else {
                l.iter_from(0)
                    .skip(skip)
                    .take(n)
                    .map(|e| item(e.to_vec()))
                    .collect()
            }
        }
        Some(Value::List(l)) => l.iter_from(0).map(|e| item(e.to_vec())).collect(),
        Some(Value::Set(s)) => s.members().into_iter().map(item).collect(),
        Some(Value::ZSet(z)) if o.dontsort => {
            *window = (0, end - start);
            if n == 0 {
                return Vec::new();
            }
            let rank = if o.desc {
                z.len().saturating_sub(skip + 1)
            } else {
                skip
            };
            z.walk(rank, n, o.desc)
                .into_iter()
                .map(|(m, _)| item(m.into_vec()))
                .collect()
        }
        Some(Value::ZSet(z)) => z
            .walk(0, z.len(), false)
            .into_iter()
            .map(|(m, _)| item(m.into_vec()))
            .collect(),
        _ => Vec::new(),
    }
}

/// `sortCommandGeneric`.
fn sort_generic(server: &mut Server, id: ClientId, argv: &Argv, readonly: bool) {
    let mut o = match parse_options(argv, readonly) {
        Ok(o) => o,
        Err(e) => return server.reply(id).error(&e),
    };
    let db = server.client_db(id);

    // Look the key up; only lists, sets and sorted sets can be sorted.
    let mut obj = server.lookup_read(db, &argv[1]);
    let len = match obj.as_deref().map(|o| &o.value) {
        None => 0,
        Some(Value::List(l)) => l.len(),
        Some(Value::Set(s)) => {
            // A set has no order of its own: STORE must still write the
            // same list on every replica, so sort it ALPHA instead.
            if o.dontsort && o.store.is_some() {
                o.dontsort = false;
                o.alpha = true;
                o.by = None;
            }
            s.len()
        }
        Some(Value::ZSet(z)) => z.len(),
        Some(_) => return server.reply(id).error(&CommandError::WrongType),
    };
    // Redis converts a sorted set to a skip list for SORT, for good.
    if let Some(Value::ZSet(z)) = obj.as_deref_mut().map(|o| &mut o.value) {
        z.convert_to_skiplist();
    }

    // Load the vector, then the weights, then sort.
    let len = i64::try_from(len).unwrap_or(i64::MAX);
    let mut window = limit_window(len, o.limit_start, o.limit_count);
    let mut items = load_items(obj.map(|o| &mut o.value), &o, &mut window);
    if !o.dontsort && !weigh_and_sort(server, db, &o, &mut items, window) {
        return server.reply(id).error(&CommandError::SortNotDouble);
    }

    // Output: the window, each element or its GET values.
    let (start, end) = window;
    let n = usize::try_from(end - start + 1).unwrap_or(0);
    let skip = usize::try_from(start).unwrap_or(0);
    let mut out: Vec<Option<Vec<u8>>> = Vec::new();
    for it in items.iter().skip(skip).take(n) {
        if o.gets.is_empty() {
            out.push(Some(it.elem.clone()));
        }
        for pattern in &o.gets {
            let v = lookup_by_pattern(server, db, pattern, &it.elem);
            out.push(v);
        }
    }
    match &o.store {
        None => {
            let r = server.reply(id);
            r.array_len(out.len());
            for v in &out {
                match v {
                    Some(b) => r.bulk(b),
                    None => r.null(),
                }
            }
        }
        Some(dest) => {
            let count = store_list(server, db, dest, &out);
            server.reply(id).integer(count);
        }
    }
}

/// Gives each item its weight and sorts the vector; false when a numeric
/// weight did not read as a double.
fn weigh_and_sort(
    server: &mut Server,
    db: usize,
    o: &SortOptions,
    items: &mut [Item],
    window: (i64, i64),
) -> bool {
    let mut conversion_error = false;
    for it in items.iter_mut() {
        let weight = match &o.by {
            Some(pattern) => match lookup_by_pattern(server, db, pattern, &it.elem) {
                Some(w) => w,
                None => continue,
            },
            None => it.elem.clone(),
        };
        if o.alpha {
            if o.by.is_some() {
                it.cmp = Some(weight);
            }
        } else {
            match parse_weight(&weight) {
                Some(score) => it.score = score,
                None => conversion_error = true,
            }
        }
    }
    let by_desc = |a: &Item, b: &Item| {
        let c = compare(a, b, o);
        if o.desc {
            c.reverse()
        } else {
            c
        }
    };
    // Redis switches to its partial quicksort only for BY with a window;
    // the order it leaves equal weights in is part of the reply.
    let (start, end) = window;
    let last = i64::try_from(items.len()).unwrap_or(i64::MAX) - 1;
    if o.by.is_some() && (start != 0 || end != last) {
        pqsort(items, start, end, &by_desc);
    } else {
        items.sort_by(by_desc);
    }
    !conversion_error
}

/// STORE: writes `out` as a list at `dest` (missing GET values as empty
/// strings) and publishes `sortstore`, or deletes `dest` when there is
/// nothing to store (`del`, without a lookup first, as Redis's dbDelete).
/// Returns the number of elements. Unlike the other *STORE commands, SORT
/// counts one change per element stored (one for a deletion).
fn store_list(server: &mut Server, db: usize, dest: &[u8], out: &[Option<Vec<u8>>]) -> i64 {
    if out.is_empty() {
        if server.dbs[db].delete(dest) {
            server.dirty += 1;
            server.signal_and_notify(db, dest, class::GENERIC, "del");
        }
        return 0;
    }
    let shape = Shape::of(server);
    let mut list = List::new();
    for v in out {
        list.push(v.as_deref().unwrap_or(&[]), End::Tail, shape);
    }
    // set_key publishes `new` for a new key, wakes its waiters and
    // signals its watchers.
    server.set_key(db, dest, Value::List(Box::new(list)), false);
    server.dirty += out.len() as u64;
    server.notify(class::LIST, "sortstore", dest, db);
    i64::try_from(out.len()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_read_as_strtod_does() {
        assert_eq!(parse_weight(b""), Some(0.0));
        assert_eq!(parse_weight(b" 5"), Some(5.0));
        assert_eq!(parse_weight(b"0x10"), Some(16.0));
        assert_eq!(parse_weight(b"-0x1p4"), Some(-16.0));
        assert_eq!(parse_weight(b"1.5e2"), Some(150.0));
        assert_eq!(parse_weight(b"-inf"), Some(f64::NEG_INFINITY));
        assert_eq!(parse_weight(b"3\0junk"), Some(3.0));
        assert_eq!(parse_weight(b"nan"), None);
        assert_eq!(parse_weight(b"1e400"), None);
        assert_eq!(parse_weight(b"1e-400"), None);
        assert_eq!(parse_weight(b"1e-310"), None);
        assert_eq!(parse_weight(b"   "), None);
        assert_eq!(parse_weight(b"5 "), None);
        assert_eq!(parse_weight(b"abc"), None);
        assert_eq!(parse_weight(b"0e5"), Some(0.0));
    }

    #[test]
    fn pqsort_sorts_the_window() {
        let cmp = |a: &u32, b: &u32| a.cmp(b);
        let mut seed = 12345u32;
        for len in [0usize, 5, 7, 8, 41, 100, 300] {
            let v: Vec<u32> = (0..len)
                .map(|_| {
                    seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
                    (seed >> 16) % 50
                })
                .collect();
            let mut sorted = v.clone();
            sorted.sort();
            for (lo, hi) in [(0i64, 4i64), (3, 9), (len as i64 / 2, len as i64 - 1)] {
                let mut w = v.clone();
                pqsort(&mut w, lo, hi, &cmp);
                let range = lo.max(0) as usize..((hi + 1).max(0) as usize).min(len);
                if range.start < range.end {
                    assert_eq!(w[range.clone()], sorted[range]);
                }
            }
        }
    }

    #[test]
    fn get_keys_finds_the_last_store() {
        let argv = |args: &[&str]| -> Vec<Vec<u8>> {
            args.iter().map(|a| a.as_bytes().to_vec()).collect()
        };
        let positions = |args: &[&str]| -> Vec<usize> {
            sort_get_keys(&argv(args))
                .into_iter()
                .map(|(i, _)| i)
                .collect()
        };
        assert_eq!(
            positions(&["sort", "l", "store", "a", "store", "b"]),
            [1, 5]
        );
        assert_eq!(
            positions(&["sort", "l", "get", "store", "store", "x"]),
            [1, 5]
        );
        assert_eq!(
            positions(&["sort", "l", "limit", "store", "1", "STORE", "y"]),
            [1, 6]
        );
        assert_eq!(positions(&["sort", "l", "store"]), [1]);
        let keys = sort_get_keys(&argv(&["sort", "l", "store", "d"]));
        assert_eq!(keys[1].1, ["OW", "update"]);
    }

    #[test]
    fn limit_window_clamps() {
        assert_eq!(limit_window(5, 0, -1), (0, 4));
        assert_eq!(limit_window(5, -3, 2), (0, 1));
        assert_eq!(limit_window(5, 3, 100), (3, 4));
        assert_eq!(limit_window(5, 10, 1), (4, 3));
        assert_eq!(limit_window(0, 0, -1), (-1, -2));
        assert_eq!(limit_window(5, i64::MAX, i64::MAX), (4, 3));
        assert_eq!(limit_window(5, 1, 0), (1, 0));
    }
}
