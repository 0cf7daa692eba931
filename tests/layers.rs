//! The module graph of `src/`: layers point one way. Reads every source file, collects the
//! top-level modules each one names through `crate::…`, and fails on an import of the web layer
//! (`api`, `server`) from below it, or on any cycle between top-level modules.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The only modules that may name the web layer.
const WEB_LAYER: &[&str] = &["api", "console", "server"];
const MAY_NAME_WEB: &[&str] = &["api", "console", "server", "cli", "main"];

type Graph = BTreeMap<String, BTreeSet<String>>;

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn ident(s: &str) -> &str {
    let end = s.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(s.len());
    &s[..end]
}

/// The top-level modules named in `code` as `crate::x` or `crate::{x, y::z}`.
fn named_modules(code: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for line in code.lines() {
        let line = line.split("//").next().unwrap_or("");
        let mut rest = line;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            if let Some(group) = rest.strip_prefix('{') {
                // Top-level names of a group: those at brace depth zero, after `{` or `,`.
                let mut depth = 0;
                let mut expect_name = true;
                for (i, c) in group.char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' if depth == 0 => break,
                        '}' => depth -= 1,
                        ',' if depth == 0 => expect_name = true,
                        c if expect_name && depth == 0 && (c.is_ascii_alphabetic() || c == '_') => {
                            found.insert(ident(&group[i..]).to_owned());
                            expect_name = false;
                        }
                        _ => {}
                    }
                }
            } else {
                let name = ident(rest);
                if !name.is_empty() {
                    found.insert(name.to_owned());
                }
            }
        }
    }
    found
}

fn graph() -> Graph {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = vec![];
    sources(&src, &mut files);
    let mut graph = Graph::new();
    for file in files {
        let rel = file.strip_prefix(&src).expect("under src");
        let first = rel.components().next().expect("a component").as_os_str().to_string_lossy();
        let module = first.trim_end_matches(".rs").to_owned();
        if module == "lib" {
            continue;
        }
        let code = std::fs::read_to_string(&file).expect("read source");
        let edges = graph.entry(module.clone()).or_default();
        edges.extend(named_modules(&code).into_iter().filter(|m| *m != module));
    }
    graph
}

/// A cycle through `start`, if there is one (depth-first search).
fn cycle_through(graph: &Graph, start: &str) -> Option<Vec<String>> {
    fn walk(graph: &Graph, start: &str, at: &str, path: &mut Vec<String>, seen: &mut BTreeSet<String>) -> bool {
        for next in graph.get(at).into_iter().flatten() {
            if next == start {
                path.push(next.clone());
                return true;
            }
            if seen.insert(next.clone()) {
                path.push(next.clone());
                if walk(graph, start, next, path, seen) {
                    return true;
                }
                path.pop();
            }
        }
        false
    }
    let mut path = vec![start.to_owned()];
    walk(graph, start, start, &mut path, &mut BTreeSet::new()).then_some(path)
}

#[test]
fn the_parser_sees_plain_paths_and_groups() {
    let code = "use crate::a::B;\nuse crate::{c, d::{E, F}, g};\n// crate::h\nlet x = crate::i::j();";
    let names: Vec<_> = named_modules(code).into_iter().collect();
    assert_eq!(names, ["a", "c", "d", "g", "i"]);
}

#[test]
fn no_module_below_the_web_layer_names_it() {
    let graph = graph();
    assert!(graph.contains_key("api") && graph.contains_key("cases"), "the source tree was read");
    let offenders: Vec<String> = graph
        .iter()
        .filter(|(m, _)| !MAY_NAME_WEB.contains(&m.as_str()))
        .flat_map(|(m, edges)| {
            edges.iter().filter(|e| WEB_LAYER.contains(&e.as_str())).map(move |e| format!("{m} -> {e}"))
        })
        .collect();
    assert!(offenders.is_empty(), "modules below the web layer import it: {offenders:?}");
}

#[test]
fn top_level_modules_form_no_cycle() {
    let graph = graph();
    let cycles: Vec<String> = graph.keys().filter_map(|m| cycle_through(&graph, m)).map(|c| c.join(" -> ")).collect();
    assert!(cycles.is_empty(), "import cycles between top-level modules:\n{}", cycles.join("\n"));
}
