//! The search index against a small ledger of county documents.
//!
//! Units: 示例市 1 → 示例县 10 → { 县委办公室 103, 县应急管理局 101,
//! 县水利局 102, 县纪委监委 104, 城关镇 20 → 城关镇党政办 201 };
//! 示例市 1 → 邻县 11 → 邻县农业农村局 111.

use std::collections::BTreeSet;

use jianfu_search::{IndexedDoc, SearchIndex, SearchQuery, SearchResults};

struct Issuer {
    id: i64,
    name: &'static str,
    path: &'static [i64],
}

const COUNTY_OFFICE: Issuer = Issuer {
    id: 103,
    name: "中共示例县委办公室",
    path: &[1, 10, 103],
};
const EMERGENCY: Issuer = Issuer {
    id: 101,
    name: "示例县应急管理局",
    path: &[1, 10, 101],
};
const WATER: Issuer = Issuer {
    id: 102,
    name: "示例县水利局",
    path: &[1, 10, 102],
};
const DISCIPLINE: Issuer = Issuer {
    id: 104,
    name: "示例县纪委监委",
    path: &[1, 10, 104],
};
const TOWN_OFFICE: Issuer = Issuer {
    id: 201,
    name: "城关镇党政办公室",
    path: &[1, 10, 20, 201],
};
const NEIGHBOUR_FARMING: Issuer = Issuer {
    id: 111,
    name: "邻县农业农村局",
    path: &[1, 11, 111],
};

#[allow(clippy::too_many_arguments)]
fn doc(
    id: i64,
    issuer: &Issuer,
    issued_on: &str,
    carrier: &str,
    kind: &str,
    doc_number: &str,
    title: &str,
    body: &str,
) -> IndexedDoc {
    IndexedDoc {
        id,
        title: title.to_string(),
        doc_number: doc_number.to_string(),
        body: body.to_string(),
        issuer_id: issuer.id,
        issuer_name: issuer.name.to_string(),
        issuer_path: issuer.path.to_vec(),
        year: issued_on[..4]
            .parse()
            .expect("test dates start with a year"),
        carrier: carrier.to_string(),
        kind: kind.to_string(),
        issued_on: issued_on.to_string(),
    }
}

fn ledger() -> Vec<IndexedDoc> {
    vec![
        doc(
            1,
            &COUNTY_OFFICE,
            "2025-03-10",
            "formal",
            "通知",
            "县委办发〔2025〕5号",
            "关于进一步做好基层减负工作的通知",
            "各乡镇党委、政府，县直各单位：\n为深入贯彻落实中央关于整治形式主义为基层减负的决策部署，\
             现就有关事项通知如下。一、大力精简文件和会议，能合并的合并，能不发的坚决不发。\
             二、统筹规范督查检查考核，严禁以留痕代替实绩。三、不得随意设立一票否决事项，\
             不得要求乡镇签订责任状。",
        ),
        doc(
            2,
            &EMERGENCY,
            "2025-04-02",
            "formal",
            "通知",
            "县应急发〔2025〕12号",
            "关于开展安全生产大排查大整治的通知",
            "各乡镇、各有关单位：为坚决遏制重特大事故发生，县安委会决定在全县范围内开展\
             安全生产大排查大整治。各单位要压实企业主体责任，全面开展隐患排查治理，\
             对发现的重大隐患实行挂牌督办，确保人民群众生命财产安全。",
        ),
        doc(
            3,
            &WATER,
            "2025-05-20",
            "white_header",
            "意见",
            "",
            "关于做好2025年防汛抗旱工作的意见",
            "入汛以来，我县降雨偏多。各乡镇要加强水库、山塘巡查，落实防汛责任人，\
             修订完善应急预案，做好人员转移避险准备，确保安全度汛。",
        ),
        doc(
            4,
            &DISCIPLINE,
            "2024-06-18",
            "formal",
            "方案",
            "县纪发〔2024〕8号",
            "关于规范督查检查考核工作的实施方案",
            "为切实减轻基层负担，按照减负要求，县级督查检查考核事项实行年度计划管理，\
             未列入计划的一律不得开展。考核不得以会议开了多少、文件发了多少为标准，\
             除法律法规规定外，不得设立一票否决事项。",
        ),
        doc(
            5,
            &TOWN_OFFICE,
            "2024-09-03",
            "letter",
            "函",
            "城政函〔2024〕21号",
            "城关镇关于报送安全生产工作台账的函",
            "各村（社区）：请于每月5日前报送安全生产工作台账，包括隐患整改情况和培训记录。\
             无隐患的村（社区）无需报送零报告。",
        ),
        doc(
            6,
            &NEIGHBOUR_FARMING,
            "2025-02-14",
            "oa",
            "通知",
            "",
            "关于加强春季森林防火工作的紧急通知",
            "当前正值春耕备耕，野外用火增多，森林火险等级居高不下。各乡镇要严格野外用火管理，\
             加强重点林区巡护，发现火情及时处置。",
        ),
        doc(
            7,
            &TOWN_OFFICE,
            "2025-06-30",
            "memo",
            "通知",
            "",
            "关于汛期值班安排的便笺",
            "<script>alert(\"x\")</script>主汛期期间实行二十四小时防汛值班，带班领导和值班人员\
             须在岗在位 & 保持通讯畅通。",
        ),
        doc(
            8,
            &COUNTY_OFFICE,
            "2024-11-05",
            "formal",
            "通知",
            "县委办发〔2024〕30号",
            "关于印发《整治形式主义为基层减负若干规定》实施细则的通知",
            "现将《整治形式主义为基层减负若干规定》实施细则印发给你们，请结合实际认真贯彻执行。\
             各单位要严控发文数量和篇幅，切实把基层干部从文山会海中解脱出来。",
        ),
    ]
}

fn indexed() -> SearchIndex {
    let index = SearchIndex::in_memory().expect("in-memory index");
    index.upsert(&ledger()).expect("index the ledger");
    index
}

fn text(text: &str) -> SearchQuery {
    SearchQuery {
        text: text.to_string(),
        limit: 20,
        ..SearchQuery::default()
    }
}

fn search(index: &SearchIndex, query: &SearchQuery) -> SearchResults {
    index.search(query).expect("search succeeds")
}

fn ids(results: &SearchResults) -> BTreeSet<i64> {
    results.hits.iter().map(|h| h.id).collect()
}

fn found(index: &SearchIndex, query: &SearchQuery) -> BTreeSet<i64> {
    let results = search(index, query);
    assert_eq!(results.total, results.hits.len(), "one page holds all hits");
    ids(&results)
}

fn set(ids: &[i64]) -> BTreeSet<i64> {
    ids.iter().copied().collect()
}

#[test]
fn the_index_is_shared_across_threads() {
    fn assert_shareable<T: Clone + Send + Sync + 'static>() {}
    assert_shareable::<SearchIndex>();
}

#[test]
fn chinese_words_find_the_documents_that_contain_them() {
    let index = indexed();
    assert_eq!(index.len(), 8);
    assert_eq!(found(&index, &text("减负")), set(&[1, 4, 8]));
    assert_eq!(found(&index, &text("督查检查")), set(&[1, 4]));
    assert_eq!(found(&index, &text("一票否决")), set(&[1, 4]));
    assert_eq!(found(&index, &text("安全生产")), set(&[2, 5]));
    assert_eq!(found(&index, &text("防汛")), set(&[3, 7]));
    assert_eq!(found(&index, &text("森林防火")), set(&[6]));
    assert_eq!(found(&index, &text("零报告")), set(&[5]));
}

#[test]
fn every_word_of_the_query_must_be_present() {
    let index = indexed();
    assert_eq!(found(&index, &text("安全生产 台账")), set(&[5]));
    assert_eq!(found(&index, &text("减负 一票否决")), set(&[1, 4]));
    assert_eq!(found(&index, &text("防汛 森林防火")), set(&[]));
    assert_eq!(found(&index, &text("基层减负的通知")), set(&[1, 8]));
}

#[test]
fn issuer_names_and_document_numbers_are_searchable() {
    let index = indexed();
    assert_eq!(found(&index, &text("应急管理局")), set(&[2]));
    assert_eq!(found(&index, &text("县纪发")), set(&[4]));
}

#[test]
fn title_matches_rank_above_body_matches() {
    let index = indexed();
    let results = search(&index, &text("减负"));
    let order: Vec<i64> = results.hits.iter().map(|h| h.id).collect();
    assert_eq!(order.len(), 3);
    assert_eq!(order[2], 4, "only the body of 4 says 减负: {order:?}");
    assert!(results.hits.windows(2).all(|w| w[0].score >= w[1].score));
}

#[test]
fn filters_exclude_documents_outside_them() {
    let index = indexed();
    let with = |q: &str, change: fn(&mut SearchQuery)| {
        let mut query = text(q);
        change(&mut query);
        found(&index, &query)
    };
    assert_eq!(with("减负", |q| q.year = Some(2024)), set(&[4, 8]));
    assert_eq!(with("防汛", |q| q.scope_root = Some(10)), set(&[3, 7]));
    assert_eq!(with("防汛", |q| q.scope_root = Some(20)), set(&[7]));
    assert_eq!(with("防火", |q| q.scope_root = Some(10)), set(&[]));
    assert_eq!(with("防火", |q| q.scope_root = Some(1)), set(&[6]));
    // Documents sent to the viewer from outside its scope are found beside its own.
    let sent = |q: &mut SearchQuery| {
        q.scope_root = Some(20);
        q.also_ids = vec![3, 6];
    };
    assert_eq!(with("防汛", sent), set(&[3, 7]));
    assert_eq!(with("防火", sent), set(&[6]));
    assert_eq!(with("安全生产", sent), set(&[5]), "no other document opens");
    assert_eq!(with("安全生产", |q| q.issuer = Some(201)), set(&[5]));
    assert_eq!(with("安全生产", |q| q.issuer = Some(20)), set(&[]));
    assert_eq!(
        with("防汛", |q| q.carrier = Some("white_header".into())),
        set(&[3])
    );
    assert_eq!(with("减负", |q| q.kind = Some("方案".into())), set(&[4]));
    assert_eq!(
        with("减负", |q| {
            q.scope_root = Some(10);
            q.year = Some(2025);
            q.carrier = Some("formal".into());
            q.kind = Some("通知".into());
        }),
        set(&[1])
    );
}

#[test]
fn empty_text_with_filters_lists_newest_first() {
    let index = indexed();
    let query = SearchQuery {
        year: Some(2025),
        limit: 20,
        ..SearchQuery::default()
    };
    let results = search(&index, &query);
    let order: Vec<i64> = results.hits.iter().map(|h| h.id).collect();
    assert_eq!(order, vec![7, 3, 2, 1, 6]);
    assert_eq!(results.total, 5);
    assert!(results
        .hits
        .iter()
        .all(|h| !h.snippet_html.contains("<mark>")));

    let blank = SearchQuery {
        text: "  ".into(),
        scope_root: Some(20),
        limit: 20,
        ..SearchQuery::default()
    };
    assert_eq!(found(&index, &blank), set(&[5, 7]));
    assert_eq!(search(&index, &text("")).total, 0, "nothing asked");
}

#[test]
fn upsert_replaces_the_document_with_the_same_id() {
    let index = indexed();
    let mut changed = ledger().remove(1);
    changed.title = "关于开展燃气安全专项整治的通知".into();
    changed.body = "各乡镇要对餐饮场所燃气使用开展全面检查。".into();
    index.upsert(&[changed.clone()]).expect("upsert");
    index.upsert(&[changed]).expect("upsert again");
    assert_eq!(index.len(), 8);
    assert_eq!(found(&index, &text("安全生产")), set(&[5]));
    assert_eq!(found(&index, &text("燃气")), set(&[2]));
}

#[test]
fn the_last_copy_wins_within_one_batch() {
    let index = SearchIndex::in_memory().expect("index");
    let mut first = ledger().remove(0);
    let mut second = first.clone();
    first.title = "第一稿防汛".into();
    second.title = "第二稿防汛".into();
    index.upsert(&[first, second]).expect("upsert");
    assert_eq!(index.len(), 1);
    let results = search(&index, &text("防汛"));
    assert_eq!(results.hits[0].title_html, "第二稿<mark>防汛</mark>");
}

#[test]
fn delete_and_clear_remove_documents() {
    let index = indexed();
    index.delete(6).expect("delete");
    index.delete(999).expect("deleting a missing id is fine");
    assert_eq!(index.len(), 7);
    assert_eq!(found(&index, &text("森林防火")), set(&[]));
    index.clear().expect("clear");
    assert_eq!(index.len(), 0);
    assert!(index.is_empty());
    assert_eq!(found(&index, &text("减负")), set(&[]));
}

#[test]
fn documents_survive_reopening_from_disk() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("search");
    {
        let index = SearchIndex::open_in_dir(&path).expect("create");
        index.upsert(&ledger()).expect("index");
        index.delete(8).expect("delete");
        let second = SearchIndex::open_in_dir(&path);
        assert!(
            second.is_err_and(|e| e.to_string().starts_with("检索索引正被其他进程占用")),
            "one writer per directory"
        );
    }
    let index = SearchIndex::open_in_dir(&path).expect("reopen");
    assert_eq!(index.len(), 7);
    assert_eq!(found(&index, &text("减负")), set(&[1, 4]));
}

#[test]
fn query_syntax_characters_are_plain_text() {
    let index = indexed();
    let long = "减负".repeat(5_000);
    let hostile = [
        "\"减负",
        "title:减负",
        "(减负",
        "减负)",
        "减负 AND 防汛",
        "+减负 -防汛",
        "减负 OR",
        "NOT",
        "*",
        "减负*",
        "减负~2",
        "\\",
        "[1 TO 2]",
        "{减负}",
        "减负^3",
        "\"\"\"",
        "a:b:c",
        "id:1",
        "🙂🙂",
        "\u{0}",
        "\u{200b}",
        "ＡＢＣ",
        long.as_str(),
    ];
    for q in hostile {
        let result = index.search(&text(q));
        assert!(result.is_ok(), "query {q:?} failed: {result:?}");
    }
    assert_eq!(
        found(&index, &text("+减负 -防汛")),
        found(&index, &text("减负 防汛")),
        "+ and - are not operators"
    );
    assert_eq!(found(&index, &text("(减负)")), set(&[1, 4, 8]));
}

#[test]
fn punctuation_only_finds_nothing() {
    let index = indexed();
    for q in ["，。！？", "   ", "...", "——", "\"\"", "《》"] {
        let results = search(&index, &text(q));
        assert_eq!(results, SearchResults::default(), "query {q:?}");
    }
}

#[test]
fn snippets_mark_the_words_and_escape_html() {
    let index = indexed();
    let results = search(&index, &text("防汛值班"));
    let hit = results.hits.iter().find(|h| h.id == 7).expect("7 is found");
    assert!(
        hit.snippet_html.contains("&lt;script&gt;"),
        "{}",
        hit.snippet_html
    );
    assert!(!hit.snippet_html.contains("<script>"));
    assert!(hit.snippet_html.contains("&amp;"));
    assert!(
        hit.snippet_html.contains("<mark>防汛值班</mark>"),
        "{}",
        hit.snippet_html
    );

    let results = search(&index, &text("防汛的"));
    assert!(results
        .hits
        .iter()
        .all(|h| !h.snippet_html.contains("<mark>的</mark>")));

    let results = search(&index, &text("基层减负"));
    let hit = results.hits.iter().find(|h| h.id == 8).expect("8 is found");
    assert!(
        hit.title_html.contains("<mark>基层减负</mark>"),
        "{}",
        hit.title_html
    );
    assert!(hit.title_html.contains("《"), "《》 are not HTML specials");
}

#[test]
fn pages_are_consistent_with_the_total() {
    let index = SearchIndex::in_memory().expect("index");
    let docs: Vec<IndexedDoc> = (1..=25)
        .map(|id| {
            doc(
                id,
                &TOWN_OFFICE,
                &format!("2025-01-{:02}", id),
                "formal",
                "通知",
                "",
                &format!("第{id}网格网格化管理工作通知"),
                "各村要落实网格化管理，做好矛盾纠纷排查化解。",
            )
        })
        .collect();
    index.upsert(&docs).expect("index");
    let mut seen = BTreeSet::new();
    for (offset, expected) in [(0, 10), (10, 10), (20, 5), (30, 0)] {
        let query = SearchQuery {
            text: "网格化管理".into(),
            offset,
            limit: 10,
            ..SearchQuery::default()
        };
        let results = search(&index, &query);
        assert_eq!(results.total, 25);
        assert_eq!(results.hits.len(), expected, "page at {offset}");
        seen.extend(ids(&results));
    }
    assert_eq!(seen.len(), 25, "pages do not overlap");

    let count_only = SearchQuery {
        text: "网格化管理".into(),
        limit: 0,
        ..SearchQuery::default()
    };
    let results = search(&index, &count_only);
    assert_eq!((results.total, results.hits.len()), (25, 0));

    let far = SearchQuery {
        text: "网格化管理".into(),
        offset: usize::MAX,
        limit: 10,
        ..SearchQuery::default()
    };
    let results = search(&index, &far);
    assert_eq!((results.total, results.hits.len()), (25, 0));
    let far_listing = SearchQuery {
        text: String::new(),
        year: Some(2025),
        ..far
    };
    assert_eq!(search(&index, &far_listing).total, 25);

    let capped = SearchQuery {
        text: "网格化管理".into(),
        limit: 10_000,
        ..SearchQuery::default()
    };
    assert_eq!(search(&index, &capped).hits.len(), 25);
}

#[test]
fn searches_run_while_another_thread_writes() {
    let index = indexed();
    std::thread::scope(|scope| {
        let writer = index.clone();
        scope.spawn(move || {
            for round in 0..5 {
                let mut extra = ledger().remove(2);
                extra.id = 100 + round;
                writer.upsert(&[extra]).expect("upsert");
            }
        });
        for _ in 0..20 {
            let hits = found(&index, &text("防汛抗旱"));
            assert!(hits.contains(&3));
        }
    });
    assert_eq!(found(&index, &text("防汛抗旱")).len(), 6);
}

#[test]
fn errors_are_reported_in_chinese() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("not-a-dir");
    std::fs::write(&file, "x").expect("write");
    let error = SearchIndex::open_in_dir(&file)
        .err()
        .expect("a file is no index");
    assert!(
        error.to_string().starts_with("检索索引目录无法创建"),
        "{error}"
    );
}
