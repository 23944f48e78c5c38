//! 扫描件识别: a document filed from a scan. The text OCR read (`jianfu_parse::Parser::read`)
//! is shown to the filer in the filing form, marked with its confidence, and is stored only once
//! the filer has checked it and says so; the stored document records that its body came from OCR
//! and how confident OCR was, and its page says so.
use crate::model::{self, DocumentDetail, DocumentInput};
use crate::store::scan as store;
use jianfu_core::{Actor, AppError, AppResult};
use jianfu_domain::targets::{ItemInput, Written};
use jianfu_store::{Db, Tx};

/// What the filing form says above a body read by OCR.
pub fn check_prompt(confidence: i64) -> String {
    format!("以下文字由扫描件识别（置信度{confidence}%），请核对后保存")
}

/// How a document's page names a body read by OCR.
pub fn source_fact(confidence: i64) -> String {
    format!("扫描件文字识别（置信度{confidence}%），已经登记人核对")
}

/// A document as filed on the form: its fields, and whether its body was read by OCR and
/// checked.
#[derive(Debug, Clone)]
pub struct Filed {
    pub input: DocumentInput,
    /// Set when the body was read from a scan: the mean confidence of its words, 0–100.
    pub ocr_confidence: Option<i64>,
    /// The filer checked the recognised text against the scan.
    pub ocr_confirmed: bool,
}

impl Filed {
    /// A body read by OCR is stored only once the filer has checked it.
    pub fn check(&self) -> AppResult<()> {
        let Some(confidence) = self.ocr_confidence else {
            return Ok(());
        };
        if !(0..=100).contains(&confidence) {
            return Err(AppError::invalid("ocr_confidence", "应为0至100之间的整数"));
        }
        if !self.ocr_confirmed {
            return Err(AppError::Validation {
                code: "ocr_unconfirmed",
                message: "正文由扫描件识别，尚未核对：请逐字核对识别出的文字，勾选“已核对识别文字”后再登记".into(),
                field: Some("ocr_confirmed".into()),
            });
        }
        Ok(())
    }
}

impl ItemInput for Filed {
    const CHANNEL: &'static str = model::CHANNEL.name;
    type Detail = DocumentDetail;

    async fn write(self, tx: &mut Tx, actor: &Actor, id: Option<i64>) -> AppResult<Written> {
        self.check()?;
        let written = model::write(tx, actor, id, self.input).await?;
        store::set_ocr_confidence(tx, written.id, self.ocr_confidence).await?;
        Ok(written)
    }

    async fn detail(db: &Db, actor: &Actor, id: i64) -> AppResult<DocumentDetail> {
        model::get(db, actor, id).await
    }
}

/// The OCR confidence of a document's body (read after the document itself, which checks the
/// reader may see it).
pub async fn confidence(db: &Db, document_id: i64) -> AppResult<Option<i64>> {
    let mut conn = db.reader();
    Ok(store::ocr_confidence(&mut conn, document_id).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unchecked_ocr_body_is_refused_naming_the_box() {
        let input: DocumentInput = serde_json::from_value(serde_json::json!({
            "issuer_id": 1, "title": "关于做好秋季农业生产工作的通知", "kind": "通知",
            "carrier": "formal", "issued_on": "2026-09-15", "targets": []
        }))
        .unwrap();
        let filed = |ocr_confidence, ocr_confirmed| Filed {
            input: input.clone(),
            ocr_confidence,
            ocr_confirmed,
        };
        assert!(filed(None, false).check().is_ok());
        assert!(filed(Some(91), true).check().is_ok());
        let e = filed(Some(91), false).check().unwrap_err();
        assert_eq!(
            (e.code(), e.field()),
            ("ocr_unconfirmed", Some("ocr_confirmed"))
        );
        assert!(
            e.to_string().starts_with("正文由扫描件识别，尚未核对"),
            "{e}"
        );
        assert_eq!(
            filed(Some(101), true).check().unwrap_err().field(),
            Some("ocr_confidence")
        );
        assert_eq!(
            check_prompt(91),
            "以下文字由扫描件识别（置信度91%），请核对后保存"
        );
    }
}
