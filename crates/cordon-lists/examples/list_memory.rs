//! Where a parsed list's memory goes: `cargo run -p cordon-lists --example list_memory -- PATH`.
//!
//! Reads the file as the CLI does (the large XML formats as a stream), then
//! walks the finished [`ParsedList`] to split the heap it holds into entity
//! and name slots (struct sizes times Vec capacity, unused capacity apart)
//! and text (String lengths and capacities). Run it under `/usr/bin/time -v`
//! for the peak RSS: the difference between the two is the reader's working
//! memory, the allocator's fragmentation and the binary itself.

use std::io::Read;
use std::mem::size_of;

use cordon_lists::{detect, read_bytes, read_from, streams, ParsedList};
use cordon_model::{Entity, Name};

/// Heap bytes of one kind of text: what its strings hold and what they reserve.
#[derive(Default)]
struct Text {
    used: usize,
    capacity: usize,
}

impl Text {
    fn add(&mut self, text: &str, capacity: usize) {
        self.used += text.len();
        self.capacity += capacity;
    }

    fn add_option(&mut self, text: &Option<String>) {
        if let Some(text) = text {
            self.add(text, text.capacity());
        }
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: list_memory PATH")?;
    let list = read(&path)?;
    println!("{path}: {} entities", list.entities.len());
    report(&list);
    Ok(())
}

fn read(path: &str) -> Result<ParsedList, Box<dyn std::error::Error>> {
    let mut head = Vec::new();
    std::fs::File::open(path)?
        .take(8192)
        .read_to_end(&mut head)?;
    let format = detect(&head)?;
    if streams(format) {
        let reader = std::io::BufReader::with_capacity(64 * 1024, std::fs::File::open(path)?);
        return Ok(read_from(format, reader)?);
    }
    Ok(read_bytes(format, &std::fs::read(path)?)?)
}

fn report(list: &ParsedList) {
    let entity_slots = list.entities.capacity() * size_of::<Entity>();
    let mut name_slots = 0;
    let mut name_slots_unused = 0;
    let mut other_slots = 0;
    let (mut names, mut name_extras, mut remarks, mut other) = Default::default();
    for entity in &list.entities {
        name_slots += entity.names.capacity() * size_of::<Name>();
        name_slots_unused += (entity.names.capacity() - entity.names.len()) * size_of::<Name>();
        other_slots += entity.birth_dates.capacity() * size_of::<cordon_model::BirthDate>()
            + entity.birth_places.capacity() * size_of::<cordon_model::Place>()
            + (entity.nationalities.capacity() + entity.countries.capacity()) * size_of::<String>()
            + entity.identifiers.capacity() * size_of::<cordon_model::Identifier>()
            + entity.addresses.capacity() * size_of::<cordon_model::Address>()
            + entity.designation.programmes.capacity() * size_of::<String>();
        count_entity_text(
            entity,
            &mut names,
            &mut name_extras,
            &mut remarks,
            &mut other,
        );
    }
    println!(
        "sizes: Entity {} B, Name {} B, NameParts {} B",
        size_of::<Entity>(),
        size_of::<Name>(),
        size_of::<cordon_model::NameParts>()
    );
    println!("entity slots: {:.1} MB", mb(entity_slots));
    println!(
        "name slots:   {:.1} MB ({:.1} MB of it unused Vec capacity)",
        mb(name_slots),
        mb(name_slots_unused)
    );
    println!(
        "other slots (dates, places, ids, addresses, countries, programmes): {:.1} MB",
        mb(other_slots)
    );
    let texts = [
        ("name text", &names),
        ("name parts, script, lang", &name_extras),
        ("remarks", &remarks),
        ("other text", &other),
    ];
    for (label, text) in texts {
        println!(
            "{label}: {:.1} MB used, {:.1} MB reserved",
            mb(text.used),
            mb(text.capacity)
        );
    }
    let total = entity_slots
        + name_slots
        + other_slots
        + texts.iter().map(|(_, text)| text.capacity).sum::<usize>();
    println!("total held by the entities: {:.1} MB", mb(total));
}

fn count_entity_text(
    entity: &Entity,
    names: &mut Text,
    name_extras: &mut Text,
    remarks: &mut Text,
    other: &mut Text,
) {
    for name in &entity.names {
        names.add(&name.full, name.full.capacity());
        name_extras.add_option(&name.script);
        name_extras.add_option(&name.lang);
        let parts = name.parts();
        if !parts.is_empty() {
            // The boxed parts themselves (a name without parts has none).
            name_extras.capacity += size_of::<cordon_model::NameParts>();
        }
        for part in [
            &parts.first,
            &parts.second,
            &parts.third,
            &parts.fourth,
            &parts.middle,
            &parts.family,
            &parts.patronymic,
            &parts.title,
        ] {
            name_extras.add_option(part);
        }
    }
    remarks.add_option(&entity.designation.remarks);
    other.add(&entity.id, entity.id.capacity());
    other.add(
        &entity.designation.source,
        entity.designation.source.capacity(),
    );
    other.add(
        &entity.designation.source_id,
        entity.designation.source_id.capacity(),
    );
    for text in entity
        .designation
        .programmes
        .iter()
        .chain(&entity.nationalities)
        .chain(&entity.countries)
    {
        other.add(text, text.capacity());
    }
    for place in &entity.birth_places {
        other.add(&place.text, place.text.capacity());
    }
    for identifier in &entity.identifiers {
        other.add(&identifier.number, identifier.number.capacity());
        other.add_option(&identifier.note);
    }
    for address in &entity.addresses {
        other.add(&address.text, address.text.capacity());
        other.add_option(&address.city);
    }
}

fn mb(bytes: usize) -> f64 {
    bytes as f64 / 1e6
}
