//! Zip input: opening an archive held in memory, listing its entries with the
//! name checks and caps, and reading each entry (and nested zips) within the caps.
#![no_main]

use libfuzzer_sys::fuzz_target;
use seloste::archive::{self, EntryKind, ZipCaps};

const CAPS: ZipCaps = ZipCaps {
    max_entries: 1000,
    max_total: 64 << 20,
    max_ratio: 200,
    max_entry: 8 << 20,
};

fuzz_target!(|data: &[u8]| {
    let Ok(mut zip) = archive::open_bytes(data.to_vec()) else {
        return;
    };
    let Ok(entries) = archive::list(&mut zip, &CAPS, 1, &|_| true) else {
        return;
    };
    for entry in entries.iter().take(64) {
        match entry.kind {
            EntryKind::Document => {
                assert!(archive::safe_entry_name(&entry.name).is_ok());
                if let Ok(bytes) = archive::read_entry(&mut zip, entry.index, &CAPS) {
                    assert!(bytes.len() as u64 <= CAPS.max_entry);
                }
            }
            EntryKind::Zip => {
                if let Ok(mut inner) =
                    archive::read_entry(&mut zip, entry.index, &CAPS).and_then(archive::open_bytes)
                {
                    if let Ok(list) = archive::list(&mut inner, &CAPS, 2, &|_| true) {
                        for e in list.iter().take(16) {
                            let _ = archive::read_entry(&mut inner, e.index, &CAPS);
                        }
                    }
                }
            }
            EntryKind::Bad(_) | EntryKind::Unsafe(_) => {}
        }
    }
});
