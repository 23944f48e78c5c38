//! What a burden item reaches — a unit itself, or every unit of one level below a unit (e.g.
//! "各乡镇（街道）" of the county) — and what documents and meetings share: their list filter
//! and the result of a write.
use crate::audit::{self, Change};
use crate::policy;
use crate::rules::Focus;
use chrono::NaiveDate;
use jianfu_core::{Actor, AppError, AppResult, Level};
use jianfu_store::burden::{self as ledger, LedgerItem, TargetRow};
use jianfu_store::{org, Conn, Tx};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Target {
    pub unit_id: i64,
    /// Every unit of this level below `unit_id`; absent for the unit itself.
    #[serde(default)]
    pub level: Option<Level>,
}

impl Target {
    pub fn row(&self) -> TargetRow {
        TargetRow {
            target_unit_id: self.unit_id,
            target_level: self
                .level
                .map(|l| l.as_str().to_string())
                .unwrap_or_default(),
        }
    }

    pub fn from_row(r: &TargetRow) -> Target {
        Target {
            unit_id: r.target_unit_id,
            level: r.target_level.parse().ok(),
        }
    }
}

pub const MAX_TARGETS: usize = 500;

/// Validates targets against the actor's scope and the tree; returns the rows and the number
/// of townships and villages they reach.
pub async fn resolve(
    conn: &mut Conn,
    actor: &Actor,
    targets: &[Target],
) -> AppResult<(Vec<TargetRow>, i64)> {
    if targets.is_empty() {
        return Err(AppError::invalid(
            "targets",
            "不能为空，请选择主送单位或层级",
        ));
    }
    if targets.len() > MAX_TARGETS {
        return Err(AppError::invalid(
            "targets",
            &format!("不能超过{MAX_TARGETS}项"),
        ));
    }
    let mut rows = Vec::with_capacity(targets.len());
    for t in targets {
        let unit = org::get(conn, t.unit_id)
            .await?
            .ok_or_else(|| AppError::invalid("targets", &format!("中的单位{}不存在", t.unit_id)))?;
        policy::ensure_in_scope(conn, actor, t.unit_id, Some("targets")).await?;
        if let Some(level) = t.level {
            let own: Level = unit
                .level
                .parse()
                .map_err(|_| AppError::internal("bad level in database"))?;
            let below = match (own.rank(), level.rank()) {
                (Some(o), Some(l)) => l > o,
                (Some(o), None) => o < 5,
                (None, _) => false,
            };
            if !below {
                return Err(AppError::invalid(
                    "targets",
                    &format!("中“{}”之下没有{}", unit.name, level.label()),
                ));
            }
        }
        let row = t.row();
        if !rows.contains(&row) {
            rows.push(row);
        }
    }
    let reach = ledger::grassroots_reach(conn, &rows).await?;
    Ok((rows, reach))
}

/// How many townships and villages `targets` reach, before anything is saved (the filing
/// forms' preview); the same checks as a write.
pub async fn reach_of(db: &jianfu_store::Db, actor: &Actor, targets: &[Target]) -> AppResult<i64> {
    let (_, reach) = resolve(&mut db.reader(), actor, targets).await?;
    Ok(reach)
}

/// What an item of `channel` was sent to, as the API shows it.
pub async fn of_item(
    conn: &mut jianfu_store::Conn,
    channel: &str,
    item_id: i64,
) -> AppResult<Vec<Target>> {
    let rows = ledger::targets_of(conn, channel, item_id).await?;
    Ok(rows.iter().map(Target::from_row).collect())
}

/// What every item write checks and resolves before it stores: that the actor may file for
/// the item's old issuer (an edit) and its new one, that the issuer exists, and what the
/// targets reach.
pub struct Filing {
    pub issuer: jianfu_store::org::OrgUnitRow,
    /// The issuer's region, the key the item and its warnings are kept under.
    pub region_id: i64,
    pub rows: Vec<TargetRow>,
    /// Grassroots units the targets reach.
    pub reach: i64,
}

/// See [`Filing`]; `field` names the issuer in errors (`issuer_id`, `organizer_id`, …).
pub async fn filing(
    tx: &mut Tx,
    actor: &Actor,
    field: &str,
    old_issuer: Option<i64>,
    issuer_id: i64,
    targets: &[Target],
) -> AppResult<Filing> {
    if let Some(old) = old_issuer {
        policy::ensure_issuer(tx, actor, old, field).await?;
    }
    policy::ensure_issuer(tx, actor, issuer_id, field).await?;
    let issuer = org::get(tx, issuer_id)
        .await?
        .ok_or_else(|| AppError::invalid(field, "不存在"))?;
    let region_id = issuer.region_id.unwrap_or(issuer.id);
    let (rows, reach) = resolve(tx, actor, targets).await?;
    Ok(Filing {
        issuer,
        region_id,
        rows,
        reach,
    })
}

/// The change an item's write records, for [`store_reach_and_audit`].
pub struct ItemChange<'a, T: Serialize> {
    /// `document` or `meeting`: the audit entity, and the action's prefix.
    pub entity: &'static str,
    /// The stored item before the write (an edit), or `None` (a new item).
    pub before: Option<&'a T>,
    /// The stored item after the write.
    pub after: &'a T,
    /// The item as its rules saw it before the write (an edit).
    pub old: Option<Touched<'a>>,
    /// The group the item belongs to after the write, in its module's terms (see
    /// [`Focus::groups`]).
    pub group: Option<String>,
    /// The audit summary.
    pub summary: String,
}

/// What the rules of an item's channel group it by: its unit, date and module-defined group.
#[derive(Debug, Clone)]
pub struct Touched<'a> {
    pub unit: i64,
    pub date: &'a str,
    pub group: Option<String>,
}

/// The common end of every channel's item write, in its transaction: stores what the item
/// reaches, appends the audit entry, and returns the dates whose rules must be re-evaluated.
pub async fn store_reach_and_audit<T: Serialize>(
    tx: &mut Tx,
    actor: &Actor,
    item: &LedgerItem<'_>,
    rows: &[TargetRow],
    change: ItemChange<'_, T>,
) -> AppResult<Written> {
    ledger::index_item(tx, item, rows).await?;
    let before = change.before.map(audit::json).transpose()?;
    let verb = if change.before.is_some() {
        "update"
    } else {
        "create"
    };
    audit::record(
        tx,
        actor,
        Change {
            action: &format!("{}.{verb}", change.entity),
            entity: change.entity,
            entity_id: item.item_id.to_string(),
            region_id: Some(item.region_id),
            before: before.as_ref(),
            after: Some(&audit::json(change.after)?),
            summary: change.summary,
        },
    )
    .await?;
    let mut focus = Focus::new(item.channel);
    if let Some(old) = change.old {
        focus = focus.touch(item.item_id, old.unit, old.group, Some(old.date));
    }
    let focus = focus.touch(
        item.item_id,
        item.issuer_id,
        change.group,
        Some(item.on_date),
    );
    Ok(Written {
        id: item.item_id,
        region_id: item.region_id,
        focus,
    })
}

/// Of a withdrawn record (作废): when, by whom, why.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Withdrawn {
    pub at: String,
    /// Name and unit of who withdrew it, as they were then.
    pub by: String,
    pub reason: String,
}

impl Withdrawn {
    /// From the three columns a record keeps (all set, or none).
    pub fn of(at: Option<String>, by: Option<String>, reason: Option<String>) -> Option<Self> {
        Some(Withdrawn {
            at: at?,
            by: by.unwrap_or_default(),
            reason: reason.unwrap_or_default(),
        })
    }
}

/// 作废: the reason a record is withdrawn, as the API takes it.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawInput {
    /// 作废理由
    pub reason: String,
}

/// An item being withdrawn (作废), for [`withdraw`].
pub struct Withdrawal<'a> {
    pub channel: &'static str,
    /// `document` or `meeting`: the audit entity, and the action's prefix.
    pub entity: &'static str,
    pub item_id: i64,
    pub region_id: i64,
    pub issuer_id: i64,
    pub on_date: &'a str,
    /// The group the item belonged to, in its module's terms (see [`Focus::groups`]).
    pub group: Option<String>,
    /// Why, as the one withdrawing wrote it (checked by [`withdraw_reason`]).
    pub reason: &'a str,
    /// The audit summary.
    pub summary: String,
}

/// The reason of a withdrawal (field `reason`): required, at most 500 characters.
pub fn withdraw_reason(reason: &str) -> AppResult<String> {
    jianfu_core::validate::required_text("reason", reason, 500)
}

/// The common part of every channel's withdrawal (作废), in its transaction, after the module
/// marked its record: who may withdraw is who may file for the issuer (the filer its own unit's
/// records, the office any in its scope); the item leaves the spine, so it leaves every count,
/// ledger and plan, while its record stays readable with its history; the audit entry keeps the
/// reason; the channel's rules re-run over what the item touched, so its warnings resolve. The
/// approvals it cited are released, for the record filed again in its place.
pub async fn withdraw(tx: &mut Tx, actor: &Actor, w: Withdrawal<'_>) -> AppResult<()> {
    ledger::unindex_item(tx, w.channel, w.item_id).await?;
    crate::approvals::cite(tx, w.channel, w.item_id, &[]).await?;
    audit::record(
        tx,
        actor,
        Change {
            action: &format!("{}.withdraw", w.entity),
            entity: w.entity,
            entity_id: w.item_id.to_string(),
            region_id: Some(w.region_id),
            before: None,
            after: Some(&serde_json::json!({ "reason": w.reason })),
            summary: w.summary,
        },
    )
    .await?;
    let focus = Focus::new(w.channel).touch(w.item_id, w.issuer_id, w.group, Some(w.on_date));
    let dates = focus.dates.clone();
    crate::warnings::evaluate_after_write(tx, w.channel, w.region_id, &dates, Some(focus)).await?;
    Ok(())
}

/// Who withdrew a record, as the record keeps it: name and unit as they are now.
pub fn withdrawer(actor: &Actor) -> String {
    format!("{}（{}）", actor.display_name, actor.unit_name)
}

/// Dates the ledger accepts: nothing from before 2000 or more than a year ahead.
pub fn parse_date(field: &str, d: NaiveDate) -> AppResult<NaiveDate> {
    let today = jianfu_core::time::today();
    let earliest = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or(d);
    if d < earliest || d > today + chrono::Duration::days(366) {
        return Err(AppError::invalid(field, "超出合理范围（2000年至明年）"));
    }
    Ok(d)
}

/// Serde default for the flags that are true unless said otherwise (in plan, approved, …).
pub fn yes() -> bool {
    true
}

/// A channel's item input as the platform saves it: each module implements this once for its
/// input type, and [`save`] is the one path of every item write.
pub trait ItemInput: Sized + Send + 'static {
    /// The channel the item belongs to (its rules are re-evaluated after the write).
    const CHANNEL: &'static str;
    /// What the API answers with after the write.
    type Detail;
    /// Checks the input and stores the item with its targets and audit entry, in `tx`, without
    /// evaluating rules (the demo seed writes many, then evaluates once).
    fn write(
        self,
        tx: &mut Tx,
        actor: &Actor,
        id: Option<i64>,
    ) -> impl std::future::Future<Output = AppResult<Written>> + Send;
    /// The item as the API serves it, read after the commit.
    fn detail(
        db: &jianfu_store::Db,
        actor: &Actor,
        id: i64,
    ) -> impl std::future::Future<Output = AppResult<Self::Detail>> + Send;
}

/// Records a new item (or replaces item `id`) and re-evaluates the rules its write can change,
/// in one transaction: the warning is there as soon as the item is.
pub async fn save<I: ItemInput>(
    db: &jianfu_store::Db,
    actor: &Actor,
    id: Option<i64>,
    input: I,
) -> AppResult<I::Detail> {
    let id = record(db, actor, id, input).await?;
    I::detail(db, actor, id).await
}

/// [`save`] without reading the item back: returns its id (a filing form redirects to its page).
/// Runs on the database's writer ([`jianfu_store::Db::write`]).
pub async fn record<I: ItemInput>(
    db: &jianfu_store::Db,
    actor: &Actor,
    id: Option<i64>,
    input: I,
) -> AppResult<i64> {
    let actor = actor.clone();
    db.write(move |tx| {
        Box::pin(async move {
            let written = input.write(tx, &actor, id).await?;
            let dates = written.focus.dates.clone();
            crate::warnings::evaluate_after_write(
                tx,
                I::CHANNEL,
                written.region_id,
                &dates,
                Some(written.focus),
            )
            .await?;
            Ok(written.id)
        })
    })
    .await
}

/// What a write of a burden item did, for the rule evaluation that follows it.
#[derive(Debug, Clone)]
pub struct Written {
    pub id: i64,
    pub region_id: i64,
    /// What the write touched (the item's dates, units and groups before and after), for the
    /// focused evaluation of its channel's rules.
    pub focus: Focus,
}

/// Filters of the document and meeting ledgers: the issuer (organizer), a period, a title search.
#[derive(Debug, Clone, Default)]
pub struct ListItems {
    pub issuer: Option<i64>,
    pub from: Option<chrono::NaiveDate>,
    pub to: Option<chrono::NaiveDate>,
    pub q: Option<String>,
    /// The withdrawn items (已作废) instead of those in force.
    pub withdrawn: bool,
}

impl ListItems {
    /// The store filter limited to the actor's scope; an issuer outside it is refused.
    pub async fn scoped(
        self,
        conn: &mut jianfu_store::Conn,
        actor: &Actor,
    ) -> AppResult<ledger::ItemFilter> {
        policy::ensure(actor, policy::Action::ViewLedger)?;
        if let Some(i) = self.issuer {
            policy::ensure_in_scope(conn, actor, i, Some("issuer")).await?;
        }
        Ok(ledger::ItemFilter {
            scope_root: policy::records_filter(actor),
            issuer: self.issuer,
            from: self.from.map(|d| d.to_string()),
            to: self.to.map(|d| d.to_string()),
            q: self.q,
        })
    }
}
