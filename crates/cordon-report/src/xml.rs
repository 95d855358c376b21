//! A small XML writer: elements in the order they are opened, text escaped, two-space
//! indentation. The report is a fixed tree, so nothing more is needed.

/// XML text being written.
pub struct Xml {
    out: String,
    depth: usize,
}

impl Xml {
    /// A document with its declaration.
    pub fn new() -> Xml {
        Xml {
            out: String::from("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"),
            depth: 0,
        }
    }

    /// Opens `<tag>` on a line of its own.
    pub fn open(&mut self, tag: &str) {
        self.indent();
        self.out.push('<');
        self.out.push_str(tag);
        self.out.push_str(">\n");
        self.depth += 1;
    }

    /// Closes `</tag>`.
    pub fn close(&mut self, tag: &str) {
        self.depth = self.depth.saturating_sub(1);
        self.indent();
        self.out.push_str("</");
        self.out.push_str(tag);
        self.out.push_str(">\n");
    }

    /// `<tag>text</tag>`, the text escaped.
    pub fn leaf(&mut self, tag: &str, text: &str) {
        self.indent();
        self.out.push('<');
        self.out.push_str(tag);
        self.out.push('>');
        escape_into(&mut self.out, text);
        self.out.push_str("</");
        self.out.push_str(tag);
        self.out.push_str(">\n");
    }

    /// `leaf` when there is a value.
    pub fn opt_leaf(&mut self, tag: &str, text: Option<&str>) {
        if let Some(text) = text {
            self.leaf(tag, text);
        }
    }

    /// The document.
    pub fn finish(self) -> String {
        self.out
    }

    fn indent(&mut self) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
    }
}

/// Escapes the five characters with a meaning in XML text and attributes.
fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            _ => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_elements_nest() {
        let mut xml = Xml::new();
        xml.open("a");
        xml.leaf("b", "x < y & \"z\"");
        xml.opt_leaf("c", None);
        xml.close("a");
        let text = xml.finish();
        assert!(text.ends_with("<a>\n  <b>x &lt; y &amp; &quot;z&quot;</b>\n</a>\n"));
    }
}
