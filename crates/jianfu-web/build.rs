//! Installs the front-end libraries named in `assets/package-lock.json` from the npm registry
//! into OUT_DIR, so that the binary embeds exactly the locked versions and a fresh clone needs
//! no manual step beyond having `npm` on the PATH.
use std::path::Path;
use std::process::Command;

const FILES: &[&str] = &[
    "node_modules/htmx.org/dist/htmx.min.js",
    "node_modules/echarts/dist/echarts.min.js",
];

fn main() {
    println!("cargo:rerun-if-changed=assets/package.json");
    println!("cargo:rerun-if-changed=assets/package-lock.json");
    let out = std::env::var("OUT_DIR").expect("OUT_DIR is set by cargo");
    let npm_dir = Path::new(&out).join("npm");
    std::fs::create_dir_all(&npm_dir).expect("create OUT_DIR/npm");
    let lock = std::fs::read("assets/package-lock.json").expect("read assets/package-lock.json");
    let installed_lock = std::fs::read(npm_dir.join("package-lock.json")).ok();
    let complete = FILES.iter().all(|f| npm_dir.join(f).is_file());
    if complete && installed_lock.as_deref() == Some(lock.as_slice()) {
        return;
    }
    std::fs::copy("assets/package.json", npm_dir.join("package.json")).expect("copy package.json");
    std::fs::write(npm_dir.join("package-lock.json"), &lock).expect("copy package-lock.json");
    let status = Command::new("npm")
        .args([
            "ci",
            "--ignore-scripts",
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
        ])
        .current_dir(&npm_dir)
        .status();
    match status {
        Ok(s) if s.success() => {}
        Ok(s) => panic!("`npm ci` failed ({s}) while installing the front-end libraries of assets/package-lock.json"),
        Err(e) => panic!("npm is needed to build jianfu-web (it installs htmx and ECharts from the npm registry): {e}"),
    }
    for f in FILES {
        assert!(npm_dir.join(f).is_file(), "npm ci did not install {f}");
    }
}
