//! A compiled-in face's pages are handed back to the kernel once it is subset
//! (`fonts::Face::release_pages`): the memory goes, the bytes read as before, and a face read
//! into the heap is never touched. Its own test binary, so no other test reads the faces while
//! the resident size is measured.
#![cfg(target_os = "linux")]

use std::sync::{Arc, Mutex};

use speechgen::pdf::fonts::{self, Face};
use speechgen::pdf::{FontChoice, PdfOptions};

/// The file-backed memory this process has resident, in KiB.
fn rss_file_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status
        .lines()
        .find(|l| l.starts_with("RssFile:"))
        .expect("RssFile in /proc/self/status");
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// The tests that measure the resident size take turns: each reads and releases the same face.
static MEASURING: Mutex<()> = Mutex::new(());

fn bundled() -> fonts::FaceSet {
    fonts::choose(&PdfOptions {
        fonts: FontChoice::Bundled,
        font_dirs: Vec::new(),
        standard: None,
    })
    .unwrap()
}

fn checksum(data: &[u8]) -> u64 {
    // Reads every page, so that all of it is resident (when the sum is used: `black_box`).
    data.iter()
        .fold(0u64, |h, b| h.rotate_left(5) ^ u64::from(*b))
}

#[test]
fn a_compiled_in_face_gives_its_pages_back_and_reads_as_before() {
    let _turn = MEASURING.lock().unwrap_or_else(|e| e.into_inner());
    let faces = bundled();
    let song = &faces.faces[0];
    let bytes: &[u8] = (*song.data).as_ref();
    let on_disk =
        std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/fonts/gbsn00lp.ttf")).unwrap();
    assert_eq!(bytes.len(), on_disk.len(), "the face is AR PL SungtiL GB");

    let sum = checksum(bytes);
    let resident = rss_file_kib();
    song.release_pages();
    let after = rss_file_kib();
    assert!(
        resident.saturating_sub(after) > 4 * 1024,
        "a 5 MB face read whole, then released: {resident} KiB resident before, {after} after"
    );
    // Read again, the bytes are the file's.
    assert_eq!(checksum(bytes), sum);
    assert!(bytes == on_disk.as_slice());
}

#[test]
fn a_face_read_into_memory_is_left_alone() {
    let data = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/fonts/gkai00mp.ttf")).unwrap();
    let face = Face {
        family: "AR PL KaitiM GB".into(),
        data: Arc::new(data.clone()),
        index: 0,
        path: None,
    };
    face.release_pages();
    let bytes: &[u8] = (*face.data).as_ref();
    assert!(
        bytes == data.as_slice(),
        "a heap face released would read as zeros"
    );
}

#[test]
fn a_face_another_layout_is_reading_keeps_its_pages() {
    let _turn = MEASURING.lock().unwrap_or_else(|e| e.into_inner());
    let faces = bundled();
    let bytes: &[u8] = (*faces.faces[0].data).as_ref();
    let first = faces.reading();
    let second = faces.reading();
    std::hint::black_box(checksum(bytes));
    let resident = rss_file_kib();
    faces.release_pages(0);
    let kept = rss_file_kib();
    assert!(
        resident.abs_diff(kept) < 1024,
        "two layouts reading: {resident} KiB resident before, {kept} after"
    );
    // The last reader hands them back.
    drop(second);
    faces.release_pages(0);
    let after = rss_file_kib();
    assert!(
        kept.saturating_sub(after) > 4 * 1024,
        "one layout reading: {kept} KiB resident before, {after} after"
    );
    drop(first);
}
