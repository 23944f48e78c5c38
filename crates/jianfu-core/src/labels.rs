//! Chinese labels of input fields, so that every error names the field as an official reads it.

pub fn field_label(field: &str) -> &str {
    match field {
        "name" => "名称",
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
        "id" => "编号",
        "subtree" => "下级范围",
        "csrf_token" => "安全令牌",
        _ => field,
    }
}
