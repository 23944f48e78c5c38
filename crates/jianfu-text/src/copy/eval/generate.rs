//! A deterministic generator of official-style documents in families: an
//! original (a city notice) and the documents derived from it at known
//! rates. Every sentence is a *segment* with an origin id; a derived
//! document keeps the origin of each segment it takes over, so the ground
//! truth of any pair is the set of origins they share.

use super::phrases::*;
use crate::copy::shingle::fmix64;
use crate::copy::DocId;

/// SplitMix64: small, fast, deterministic.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        fmix64(self.0)
    }

    /// Uniform in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (((self.next_u64() >> 32) * n as u64) >> 32) as usize
        }
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi.saturating_sub(lo) + 1)
    }

    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }

    pub fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs.get(self.below(xs.len())).copied().unwrap_or("")
    }

    pub fn shuffle<T>(&mut self, xs: &mut [T]) {
        for i in (1..xs.len()).rev() {
            let j = self.below(i + 1);
            xs.swap(i, j);
        }
    }
}

/// How a generated document came about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CopyKind {
    /// An original document.
    Original,
    /// 照抄照搬: the whole body forwarded with units swapped (全市→全县).
    UnitSwap,
    /// Units swapped and sections and paragraphs reordered.
    Reordered,
    /// 穿靴戴帽: a new preamble, slogans between paragraphs, a new ending.
    Padded,
    /// Only this percentage of the paragraphs, the rest the copier's own.
    Partial(u8),
    /// Only this percentage of the paragraphs, nothing added.
    Excerpt(u8),
    /// 改头换面: the same issuer a year later, new title, a few sentences new.
    Reissued,
    /// A township copying a county's copy.
    Chain,
}

/// One generated document.
#[derive(Debug, Clone)]
pub struct GeneratedDoc {
    pub id: DocId,
    pub family: u64,
    pub kind: CopyKind,
    /// Punctuation, width and whitespace were changed.
    pub restyled: bool,
    pub text: String,
    /// `(origin, start, end)` of each segment, in chars of `text`.
    pub(super) segments: Vec<(u64, u32, u32)>,
}

#[derive(Debug, Clone)]
struct Segment {
    origin: u64,
    text: String,
}

#[derive(Debug, Clone)]
struct Draft {
    header: Vec<Segment>,
    /// Sections, each a list of paragraphs (the first is the heading).
    sections: Vec<Vec<Vec<Segment>>>,
    closing: Vec<Segment>,
}

/// Ids of the members of family `f`: `f × 16 + member`.
pub const FAMILY_STRIDE: u64 = 16;

struct Ctx {
    rng: Rng,
    family: u64,
    next_origin: u64,
    city: String,
    county: String,
    topic: &'static str,
    year: usize,
}

impl Ctx {
    fn segment(&mut self, text: String) -> Segment {
        self.next_origin += 1;
        Segment {
            origin: (self.family << 20) | self.next_origin,
            text,
        }
    }

    fn fill(&mut self, template: &str) -> String {
        let mut out = String::with_capacity(template.len() * 2);
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let Some(close) = rest[open..].find('}') else {
                break;
            };
            let slot = &rest[open + 1..open + close];
            let value = self.slot(slot);
            out.push_str(&value);
            rest = &rest[open + close + 1..];
        }
        out.push_str(rest);
        out
    }

    fn slot(&mut self, slot: &str) -> String {
        let r = &mut self.rng;
        match slot {
            "topic" => if r.chance(0.8) {
                self.topic
            } else {
                r.pick(TOPICS)
            }
            .to_string(),
            "obj" => r.pick(OBJECTS).to_string(),
            "dept" | "dept2" => r.pick(DEPARTMENTS).to_string(),
            "units" => r.pick(UNITS).to_string(),
            "scope" => r.pick(SCOPES).to_string(),
            "entity" => r.pick(ENTITIES).to_string(),
            "check" => r.pick(CHECKS).to_string(),
            "hazard" => r.pick(HAZARDS).to_string(),
            "measure" => r.pick(MEASURES).to_string(),
            "period" => r.pick(PERIODS).to_string(),
            "method" => r.pick(METHODS).to_string(),
            "metric" | "metric2" => r.pick(METRICS).to_string(),
            "action" => r.pick(ACTIONS).to_string(),
            "target" => r.pick(TARGETS).to_string(),
            "n" => r.range(3, 600).to_string(),
            "k" => r.range(2, 9).to_string(),
            "pct" => r.range(60, 100).to_string(),
            "money" => (r.range(5, 900) * 10).to_string(),
            "year" => (self.year + r.below(2)).to_string(),
            "date" => format!("{}年{}月{}日", self.year, r.range(1, 12), r.range(1, 28)),
            "deadline" => format!("{}{}", r.range(3, 30), r.pick(&["个工作日", "日", "天"])),
            "name" => format!("{}{}", r.pick(NAMES), r.pick(SYLLABLES)),
            "phone" => format!("0{}-{}", r.range(700, 999), r.range(2_000_000, 8_999_999)),
            "s1" | "s2" | "s3" => r.pick(SLOGANS).to_string(),
            _ => String::new(),
        }
    }

    fn sentence(&mut self) -> Segment {
        let template = if self.rng.chance(0.25) {
            self.rng.pick(SLOGAN_SENTENCES)
        } else {
            self.rng.pick(TASKS)
        };
        let text = self.fill(template);
        self.segment(text)
    }

    fn paragraph(&mut self) -> Vec<Segment> {
        let n = self.rng.range(3, 5);
        (0..n).map(|_| self.sentence()).collect()
    }

    fn place(&mut self) -> String {
        format!("{}{}", self.rng.pick(SYLLABLES), self.rng.pick(SYLLABLES))
    }

    fn date(&mut self, year: usize) -> String {
        format!(
            "{}年{}月{}日",
            year,
            self.rng.range(1, 12),
            self.rng.range(1, 28)
        )
    }

    fn original(&mut self) -> Draft {
        let issuer = format!("{}{}", self.city, self.rng.pick(CITY_OFFICES));
        let verb = self.rng.pick(&[
            "做好",
            "进一步加强",
            "切实抓好",
            "扎实推进",
            "深入开展",
            "全面加强",
        ]);
        let title = format!("{issuer}关于{verb}{}工作的通知", self.topic);
        let header = vec![
            self.segment(title),
            self.segment("各县（市、区）人民政府，市直各单位：".to_string()),
        ];
        let opening_template = self.rng.pick(OPENINGS);
        let opening = self.fill(opening_template);
        let mut sections = vec![vec![vec![self.segment(opening)]]];
        let target = self.rng.range(2700, 3300);
        let mut length = 200;
        let mut number = 0;
        while length < target && number < CN_NUMBERS.len() {
            let heading = format!("{}、{}", CN_NUMBERS[number], self.rng.pick(HEADINGS));
            number += 1;
            let mut section = vec![vec![self.segment(heading)]];
            for _ in 0..self.rng.range(2, 3) {
                let p = self.paragraph();
                length += p.iter().map(|s| s.text.chars().count()).sum::<usize>();
                section.push(p);
            }
            sections.push(section);
        }
        let contact = self.fill("联系人：{name}，联系电话：{phone}。");
        sections.push(vec![vec![self.segment(contact)]]);
        let date = self.date(self.year);
        let closing = vec![self.segment(issuer), self.segment(date)];
        Draft {
            header,
            sections,
            closing,
        }
    }

    /// A new header and closing for a copy by a county (or, for a chain,
    /// a township) office.
    fn copier_frame(&mut self, source_title: &str, township: bool) -> (Vec<Segment>, Vec<Segment>) {
        let issuer = if township {
            format!("{}镇人民政府办公室", self.place())
        } else {
            format!("{}{}", self.county, self.rng.pick(COUNTY_OFFICES))
        };
        let title = if self.rng.chance(0.5) {
            format!("{issuer}关于转发《{source_title}》的通知")
        } else {
            format!("{issuer}关于印发{}工作实施方案的通知", self.topic)
        };
        let recipients = if township {
            "各村（社区），镇直各单位："
        } else {
            "各乡镇人民政府、街道办事处，县直各单位："
        };
        let header = vec![self.segment(title), self.segment(recipients.to_string())];
        let date = self.date(self.year);
        (header, vec![self.segment(issuer), self.segment(date)])
    }
}

fn swap_units(draft: &mut Draft) {
    for seg in draft.sections.iter_mut().flatten().flatten() {
        for (city, county) in UNIT_SWAPS {
            if seg.text.contains(city) {
                seg.text = seg.text.replace(city, county);
            }
        }
    }
}

fn paragraphs(draft: &Draft) -> Vec<Vec<Segment>> {
    draft.sections.iter().flatten().cloned().collect()
}

fn title_of(draft: &Draft) -> String {
    draft
        .header
        .first()
        .map(|s| s.text.clone())
        .unwrap_or_default()
}

/// Keep about `percent`% of the paragraphs, in order.
fn keep_share(ctx: &mut Ctx, paras: Vec<Vec<Segment>>, percent: u8) -> Vec<Vec<Segment>> {
    let n = paras.len();
    let keep = ((n * usize::from(percent)).div_ceil(100)).clamp(1, n.max(1));
    let mut chosen: Vec<usize> = (0..n).collect();
    ctx.rng.shuffle(&mut chosen);
    chosen.truncate(keep);
    chosen.sort_unstable();
    chosen
        .into_iter()
        .filter_map(|i| paras.get(i).cloned())
        .collect()
}

fn derive(ctx: &mut Ctx, source: &Draft, kind: CopyKind) -> Draft {
    let mut draft = source.clone();
    let title = title_of(source);
    let (header, closing) = ctx.copier_frame(&title, kind == CopyKind::Chain);
    draft.header = header;
    draft.closing = closing;
    match kind {
        CopyKind::Original | CopyKind::UnitSwap | CopyKind::Chain => {}
        CopyKind::Reordered => {
            ctx.rng.shuffle(&mut draft.sections);
            for section in &mut draft.sections {
                if section.len() > 2 {
                    ctx.rng.shuffle(&mut section[1..]);
                }
            }
        }
        CopyKind::Padded => {
            let mut padded = vec![vec![ctx.sentence(), ctx.sentence(), ctx.sentence()]];
            for (i, p) in paragraphs(source).into_iter().enumerate() {
                padded.push(p);
                if i % 3 == 2 {
                    let template = ctx.rng.pick(SLOGAN_SENTENCES);
                    let slogan = ctx.fill(template);
                    padded.push(vec![ctx.segment(slogan)]);
                }
            }
            padded.push(ctx.paragraph());
            draft.sections = vec![padded];
        }
        CopyKind::Partial(percent) => {
            let source_len: usize = paragraphs(source)
                .iter()
                .flatten()
                .map(|s| s.text.chars().count())
                .sum();
            let mut kept = keep_share(ctx, paragraphs(source), percent);
            let mut len: usize = kept.iter().flatten().map(|s| s.text.chars().count()).sum();
            while len < source_len {
                let p = ctx.paragraph();
                len += p.iter().map(|s| s.text.chars().count()).sum::<usize>();
                let at = ctx.rng.below(kept.len() + 1);
                kept.insert(at, p);
            }
            draft.sections = vec![kept];
        }
        CopyKind::Excerpt(percent) => {
            draft.sections = vec![keep_share(ctx, paragraphs(source), percent)]
        }
        CopyKind::Reissued => {
            ctx.year += 1;
            draft.header = source.header.clone();
            if let Some(t) = draft.header.first_mut() {
                let new_title = t.text.replacen("关于", "关于进一步", 1);
                *t = ctx.segment(new_title);
            }
            draft.closing = source.closing.clone();
            if let Some(d) = draft.closing.last_mut() {
                let new_date = ctx.date(ctx.year);
                *d = ctx.segment(new_date);
            }
            for seg in draft.sections.iter_mut().flatten().flatten() {
                if ctx.rng.chance(0.12) {
                    *seg = ctx.sentence();
                }
            }
            ctx.year -= 1;
        }
    }
    if !matches!(kind, CopyKind::Reissued) {
        swap_units(&mut draft);
    }
    draft
}

/// Punctuation, width and whitespace changes that normalise away.
fn restyle(text: &str, rng: &mut Rng) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '，' if rng.chance(0.5) => out.push(','),
            '。' if rng.chance(0.3) => out.push('.'),
            '（' => out.push('('),
            '）' => out.push(')'),
            '0'..='9' if rng.chance(0.5) => {
                out.push(char::from_u32(c as u32 + 0xFEE0).unwrap_or(c))
            }
            _ => out.push(c),
        }
        if rng.chance(0.02) {
            out.push(if rng.chance(0.5) { ' ' } else { '\u{3000}' });
        }
    }
    out
}

fn render(
    id: DocId,
    family: u64,
    kind: CopyKind,
    draft: &Draft,
    restyled: Option<&mut Rng>,
) -> GeneratedDoc {
    let mut text = String::new();
    let mut segments = Vec::new();
    let mut chars = 0u32;
    let mut rng = restyled;
    let push = |s: &str, text: &mut String, chars: &mut u32| {
        text.push_str(s);
        *chars += s.chars().count() as u32;
    };
    let mut line = |segs: &[Segment], indent: bool, text: &mut String, chars: &mut u32| {
        if indent {
            push("\u{3000}\u{3000}", text, chars);
        }
        for seg in segs {
            let body = match rng.as_deref_mut() {
                Some(r) => restyle(&seg.text, r),
                None => seg.text.clone(),
            };
            let start = *chars;
            push(&body, text, chars);
            segments.push((seg.origin, start, *chars));
        }
        push("\n", text, chars);
    };
    for seg in &draft.header {
        line(std::slice::from_ref(seg), false, &mut text, &mut chars);
    }
    for para in draft.sections.iter().flatten() {
        line(para, true, &mut text, &mut chars);
    }
    for seg in &draft.closing {
        line(std::slice::from_ref(seg), false, &mut text, &mut chars);
    }
    GeneratedDoc {
        id,
        family,
        kind,
        restyled: false,
        text,
        segments,
    }
}

/// The kinds of copy a family draws from, with the derived share that
/// decides positives kept away from the 50% boundary: partial copies keep
/// 30% (a negative) or 80% (a positive), excerpts 50% (a positive by the
/// share of the excerpt).
const COPY_KINDS: &[CopyKind] = &[
    CopyKind::UnitSwap,
    CopyKind::Reordered,
    CopyKind::Padded,
    CopyKind::Partial(30),
    CopyKind::Partial(80),
    CopyKind::Excerpt(50),
    CopyKind::Reissued,
];

/// All documents of family `family` of the corpus seeded `seed`: an
/// original and 0–4 copies of it (each restyled with probability 0.4), and
/// sometimes a township's copy of the first copy.
pub fn family(seed: u64, family: u64) -> Vec<GeneratedDoc> {
    let mut rng = Rng::new(fmix64(seed ^ family.wrapping_mul(0x2545_f491_4f6c_dd1d)));
    let city = format!("{}{}市", rng.pick(SYLLABLES), rng.pick(SYLLABLES));
    let county = format!("{}{}县", rng.pick(SYLLABLES), rng.pick(SYLLABLES));
    let topic = rng.pick(TOPICS);
    let year = rng.range(2021, 2025);
    let mut ctx = Ctx {
        rng,
        family,
        next_origin: 0,
        city,
        county,
        topic,
        year,
    };
    let root = ctx.original();
    let id = |m: u64| family * FAMILY_STRIDE + m;
    let mut docs = vec![render(id(0), family, CopyKind::Original, &root, None)];
    let copies = [0, 0, 0, 1, 2, 3, 4][ctx.rng.below(7)];
    let mut first_copy = None;
    for m in 0..copies {
        let kind = COPY_KINDS[ctx.rng.below(COPY_KINDS.len())];
        let draft = derive(&mut ctx, &root, kind);
        docs.push(render_maybe_restyled(
            &mut ctx,
            id(1 + m),
            family,
            kind,
            &draft,
        ));
        first_copy.get_or_insert(draft);
    }
    if let Some(copy) = first_copy {
        if ctx.rng.chance(0.3) {
            let draft = derive(&mut ctx, &copy, CopyKind::Chain);
            docs.push(render_maybe_restyled(
                &mut ctx,
                id(1 + copies),
                family,
                CopyKind::Chain,
                &draft,
            ));
        }
    }
    docs
}

fn render_maybe_restyled(
    ctx: &mut Ctx,
    id: DocId,
    family: u64,
    kind: CopyKind,
    draft: &Draft,
) -> GeneratedDoc {
    if ctx.rng.chance(0.4) {
        let mut doc = render(id, family, kind, draft, Some(&mut ctx.rng));
        doc.restyled = true;
        doc
    } else {
        render(id, family, kind, draft, None)
    }
}

/// The first `docs` documents of the corpus seeded `seed`, family by family.
pub fn corpus(seed: u64, docs: usize) -> Vec<GeneratedDoc> {
    use rayon::prelude::*;
    let mut out: Vec<GeneratedDoc> = Vec::with_capacity(docs);
    let mut next_family = 0u64;
    while out.len() < docs {
        let batch = ((docs - out.len()) / 2).max(1) as u64;
        let families: Vec<Vec<GeneratedDoc>> = (next_family..next_family + batch)
            .into_par_iter()
            .map(|f| family(seed, f))
            .collect();
        next_family += batch;
        out.extend(families.into_iter().flatten());
    }
    out.truncate(docs);
    out
}
