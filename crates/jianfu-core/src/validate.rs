//! Parsing of free-text input at the edge: trimmed, bounded, printable.
use crate::AppError;

/// A required single-line text of at most `max` characters.
pub fn required_text(field: &str, value: &str, max: usize) -> Result<String, AppError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(AppError::invalid(field, "不能为空"));
    }
    bounded(field, v, max)
}

/// An optional text: empty becomes `None`.
pub fn optional_text(
    field: &str,
    value: Option<&str>,
    max: usize,
) -> Result<Option<String>, AppError> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => bounded(field, v, max).map(Some),
    }
}

fn bounded(field: &str, v: &str, max: usize) -> Result<String, AppError> {
    if v.chars().count() > max {
        return Err(AppError::invalid(field, &format!("不能超过{max}个字符")));
    }
    if v.chars().any(|c| c.is_control()) {
        return Err(AppError::invalid(field, "不能包含换行或控制字符"));
    }
    Ok(v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_bounds() {
        assert_eq!(required_text("name", "  青石镇 ", 10).unwrap(), "青石镇");
        assert_eq!(
            required_text("name", "  ", 10).unwrap_err().to_string(),
            "名称不能为空"
        );
        assert_eq!(
            required_text("name", &"镇".repeat(11), 10)
                .unwrap_err()
                .to_string(),
            "名称不能超过10个字符"
        );
        assert!(required_text("name", "a\u{0}b", 10).is_err());
        assert_eq!(optional_text("phone", Some(" "), 20).unwrap(), None);
    }
}
