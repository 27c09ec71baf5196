//! A target's own text — its name, address and permit number — kept in one heap allocation
//! (issue 17): three `String`s took 72 bytes of every `Target` and three allocations (about 118
//! bytes of the allocator's blocks at 1M targets); this takes 24 bytes and one block.
//!
//! `Target` serializes the three fields exactly as the `String`s they replace (its serde impls
//! are written out in `domain::target_serde`), so stored chunks and JSON are unchanged.

/// Name, address and permit number, one after the other in one `Box<str>`.
#[derive(Clone, PartialEq, Eq, Default, Hash)]
pub struct TargetText {
    text: Box<str>,
    /// Where the name ends and where the address ends, in `text`.
    name_end: u32,
    address_end: u32,
}

/// A length as stored in [`TargetText`]: no field of a real registry comes near 4 GB, and one
/// that did would be cut rather than misread.
fn len32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl TargetText {
    pub fn new(name: &str, address: &str, permit_number: &str) -> TargetText {
        let mut text = String::with_capacity(name.len() + address.len() + permit_number.len());
        text.push_str(name);
        text.push_str(address);
        text.push_str(permit_number);
        TargetText {
            text: text.into_boxed_str(),
            name_end: len32(name.len()),
            address_end: len32(name.len() + address.len()),
        }
    }

    pub fn name(&self) -> &str {
        self.text.get(..self.name_end as usize).unwrap_or("")
    }

    pub fn address(&self) -> &str {
        (self.text)
            .get(self.name_end as usize..self.address_end as usize)
            .unwrap_or("")
    }

    pub fn permit_number(&self) -> &str {
        self.text.get(self.address_end as usize..).unwrap_or("")
    }

    /// Bytes of the allocation.
    pub fn heap_bytes(&self) -> usize {
        self.text.len()
    }
}

impl std::fmt::Debug for TargetText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TargetText")
            .field("name", &self.name())
            .field("address", &self.address())
            .field("permit_number", &self.permit_number())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_texts_read_back_as_given() {
        for (n, a, p) in [
            (
                "宜良华联新型建材有限责任公司",
                "宜良县马街镇羊街村3组",
                "91530125MAX7JNMLTD001W",
            ),
            ("", "", ""),
            ("名", "", "P-1"),
            ("", "地址", ""),
        ] {
            let t = TargetText::new(n, a, p);
            assert_eq!((t.name(), t.address(), t.permit_number()), (n, a, p));
            assert_eq!(t.heap_bytes(), n.len() + a.len() + p.len());
        }
    }
}
