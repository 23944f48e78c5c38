//! The figures of a finding carry their own Chinese labels, units and display text, so the
//! warnings page and the API need no table of keys: `{"minutes": {"label": "会议时长",
//! "value": 120, "unit": "分钟"}}`.
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Figure {
    /// What the figure is, in Chinese.
    pub label: String,
    /// The value for programs.
    pub value: Value,
    /// 分钟, 字, 件, % …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// The value as an official reads it, when that differs from `value` (2025年第6周).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

impl Figure {
    /// The value as shown: the text when there is one, else the value in words, with its unit.
    pub fn display(&self) -> String {
        let shown = match &self.text {
            Some(t) => t.clone(),
            None => plain(&self.value),
        };
        match &self.unit {
            Some(u) if !matches!(self.value, Value::Null) => format!("{shown}{u}"),
            _ => shown,
        }
    }
}

fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Bool(b) => if *b { "是" } else { "否" }.to_string(),
        Value::Null => "—".to_string(),
        Value::Array(a) => a.iter().map(plain).collect::<Vec<_>>().join("、"),
        other => other.to_string(),
    }
}

/// The figures of one finding, in the order they were added.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Figures(pub Vec<(&'static str, Figure)>);

impl Figures {
    pub fn new() -> Figures {
        Figures::default()
    }

    fn push(mut self, key: &'static str, label: &str, value: Value, unit: Option<&str>) -> Self {
        self.0.push((
            key,
            Figure {
                label: label.to_string(),
                value,
                unit: unit.map(str::to_string),
                text: None,
            },
        ));
        self
    }

    /// A count or measure with its unit (字, 分钟, 件, %; "" for none).
    pub fn num(self, key: &'static str, label: &str, value: impl Into<Value>, unit: &str) -> Self {
        let unit = (!unit.is_empty()).then_some(unit);
        self.push(key, label, value.into(), unit)
    }

    /// A value shown as its own text (是/否 for booleans, 、 between list items).
    pub fn val(self, key: &'static str, label: &str, value: impl Into<Value>) -> Self {
        self.push(key, label, value.into(), None)
    }

    /// A value for programs with the text an official reads (2025-W06 → 2025年第6周).
    pub fn text(
        self,
        key: &'static str,
        label: &str,
        value: impl Into<Value>,
        text: String,
    ) -> Self {
        let mut f = self.push(key, label, value.into(), None);
        if let Some((_, last)) = f.0.last_mut() {
            last.text = Some(text);
        }
        f
    }

    /// The JSON object stored with the warning, keys in the order they were added.
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        for (k, f) in &self.0 {
            m.insert(
                k.to_string(),
                serde_json::to_value(f).unwrap_or(Value::Null),
            );
        }
        Value::Object(m)
    }

    /// Reads stored figures; figures stored before they carried labels show under 数据项.
    pub fn parse(stored: &str) -> Vec<(String, Figure)> {
        let Ok(Value::Object(m)) = serde_json::from_str::<Value>(stored) else {
            return Vec::new();
        };
        m.into_iter()
            .map(|(k, v)| {
                let f = serde_json::from_value::<Figure>(v.clone()).unwrap_or(Figure {
                    label: "数据项".into(),
                    value: v,
                    unit: None,
                    text: None,
                });
                (k, f)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_keep_their_order_labels_and_units() {
        let f = Figures::new()
            .num("minutes", "会议时长", 120, "分钟")
            .val("in_plan", "列入年度计划", false)
            .text("week", "周次", "2025-W06", "2025年第6周".into());
        let json = f.to_json().to_string();
        let parsed = Figures::parse(&json);
        let shown: Vec<(String, String)> = parsed
            .iter()
            .map(|(_, f)| (f.label.clone(), f.display()))
            .collect();
        assert_eq!(
            shown,
            vec![
                ("会议时长".to_string(), "120分钟".to_string()),
                ("列入年度计划".to_string(), "否".to_string()),
                ("周次".to_string(), "2025年第6周".to_string()),
            ]
        );
        assert_eq!(parsed[0].0, "minutes");
    }

    #[test]
    fn unlabelled_figures_read_as_data_items() {
        let parsed = Figures::parse(r#"{"count": 3}"#);
        assert_eq!(parsed[0].1.label, "数据项");
        assert_eq!(parsed[0].1.display(), "3");
    }
}
