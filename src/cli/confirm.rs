//! `speechgen confirm FACTS [PATH…]`: values carried over from last year confirmed in the facts
//! file's `confirmed:` list; without PATH, the values that could be.

use std::path::Path;

use crate::digest::sha256_hex;
use crate::error::Error;
use crate::project::Project;
use crate::report::shown_path;
use crate::workspace::SaveError;
use crate::workspace::confirm::{candidates, confirm_file};

pub fn run(project: &Project, facts: &Path, paths: &[String]) -> Result<(), Error> {
    let file = project.facts_file(Some(facts))?;
    let shown = shown_path(&file);
    // The hash of the file as the candidates were read from it: a file saved meanwhile is not
    // written over.
    let bytes = crate::yaml::read_bounded(&file).map_err(|d| Error::Io {
        path: file.clone(),
        message: d.message,
    })?;
    let sha256 = sha256_hex(&bytes);
    let open = candidates(project, &file)?;
    if paths.is_empty() {
        if open.is_empty() {
            eprintln!("{shown} 中没有沿用上年而待确认的值");
            return Err(Error::Failed);
        }
        eprintln!("{shown} 中沿用上年、可确认的值（核实无误后确认，警告即消失）：");
        for c in &open {
            println!("{}\t{}", c.path, c.message);
        }
        eprintln!(
            "确认：speechgen confirm {} {}",
            facts.display(),
            open.iter()
                .map(|c| c.path.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        );
        return Ok(());
    }
    let not_open: Vec<&String> = paths
        .iter()
        .filter(|p| !open.iter().any(|c| &&c.path == p))
        .collect();
    if !not_open.is_empty() {
        for p in &not_open {
            eprintln!(
                "{p} 不是 {shown} 中沿用上年而待确认的值（可能已确认、今年已改过，或路径写错）"
            );
        }
        if !open.is_empty() {
            let listed: Vec<&str> = open.iter().map(|c| c.path.as_str()).collect();
            eprintln!("可确认的有：{}", listed.join("、"));
        }
        eprintln!("未写入任何内容");
        return Err(Error::Failed);
    }
    match confirm_file(project, &file, &sha256, paths) {
        Ok(_) => {
            eprintln!("已确认 {} 项，写入 {shown} 的 confirmed:：", paths.len());
            for p in paths {
                println!("{p}");
            }
            Ok(())
        }
        Err(SaveError::Invalid(problems)) => {
            for p in problems {
                eprintln!("{shown}：{}", p.message);
            }
            Err(Error::Failed)
        }
        Err(SaveError::Conflict { .. }) => Err(Error::Io {
            path: file,
            message: "读取后文件被其他程序改动过，未写入：请再运行一次".into(),
        }),
        Err(SaveError::Locked { message, .. }) | Err(SaveError::Io(message)) => Err(Error::Io {
            path: file,
            message,
        }),
    }
}
