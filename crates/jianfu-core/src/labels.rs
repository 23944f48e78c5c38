//! Chinese labels of input fields, so that every error names the field as an official reads it.
//! The platform's fields are listed here; each module declares its own in its manifest, and
//! [`install`] adds them at start.
use std::sync::OnceLock;

static MODULE_LABELS: OnceLock<Vec<(&'static str, &'static str)>> = OnceLock::new();

/// Adds the modules' field labels (once; later calls keep the first list).
pub fn install(labels: Vec<(&'static str, &'static str)>) {
    MODULE_LABELS.get_or_init(|| labels);
}

pub fn field_label(field: &str) -> &str {
    match platform_label(field) {
        Some(label) => label,
        None => MODULE_LABELS
            .get()
            .and_then(|l| l.iter().find(|(f, _)| *f == field))
            .map_or(field, |(_, label)| label),
    }
}

/// The label of a field when the platform or a module names it (none: only its key is known).
pub fn known_label(field: &str) -> Option<&'static str> {
    platform_label(field).or_else(|| {
        MODULE_LABELS
            .get()?
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, label)| *label)
    })
}

/// Names a module's enumerated value in Chinese: `("carrier", "white_header")` → 白头文件.
pub type ValueLabels = fn(&str, &str) -> Option<&'static str>;

static VALUE_LABELS: OnceLock<Vec<ValueLabels>> = OnceLock::new();

/// Adds the modules' value names (once; later calls keep the first list).
pub fn install_values(names: Vec<ValueLabels>) {
    VALUE_LABELS.get_or_init(|| names);
}

/// The Chinese name of a field's enumerated value, when a module names it.
pub fn value_label(field: &str, value: &str) -> Option<&'static str> {
    VALUE_LABELS.get()?.iter().find_map(|f| f(field, value))
}

fn platform_label(field: &str) -> Option<&'static str> {
    Some(match field {
        "name" => "名称",
        "edit" => "要修改计划的单位",
        "code" => "单位代码",
        "level" => "层级",
        "parent" | "parent_id" => "上级单位",
        "sort_order" => "排序号",
        "active" => "启用状态",
        "username" => "用户名",
        "display_name" => "姓名",
        "password" => "密码",
        "role" => "角色",
        "unit" | "unit_id" => "所属单位",
        "phone" => "联系电话",
        "page" => "页码",
        "per_page" => "每页条数",
        "q" => "搜索词",
        "reason" => "理由",
        "id" => "编号",
        "subtree" => "下级范围",
        "csrf_token" => "安全令牌",
        "title" => "标题",
        "issuer" => "发文单位",
        "targets" => "发送范围",
        "file" => "上传的文件",
        "text" => "文稿内容",
        "year" => "年度",
        "base_year" => "基准年",
        "note" => "意见",
        "action" => "操作",
        "rule" => "规则",
        "status" => "状态",
        "severity" => "类别",
        "from" => "开始日期",
        "to" => "结束日期",
        "limit" => "条数",
        "days" => "有效天数",
        "user" => "用户",
        "all" => "全部范围",
        "approval_ids" => "审批记录",
        "approval_kind" => "审批类型",
        "channel" => "事项类别",
        "planned_on" => "计划日期",
        "decision" => "审批结论",
        _ => return None,
    })
}
