//! The spaces of a self-contained (MCAP) continuous scene, taken on trust (`crate::spaces::mcap`): point clouds
//! from data-unit label keys `stream@timestamp_ns`, then time-series channels from the space ids that object and
//! classification answers name, in order of first appearance.

use super::{as_map, Builder};
use crate::error::Result;
use crate::spaces::{point_cloud_stream, SpaceDef, SpaceKind};
use crate::tree::{Path, Val};

impl Builder<'_, '_, '_> {
    pub(super) fn mcap_spaces(
        &mut self,
        units: Val<'_>,
        object_answers: Val<'_>,
        class_answers: Val<'_>,
    ) -> Result<()> {
        let units_path = Path::Root("label_row").field("data_units");
        for (ukey, unit) in as_map(units, &units_path)?.iter() {
            let Some(labels) = unit.get("labels").filter(|l| !l.is_null()) else {
                continue;
            };
            let upath = units_path.key(ukey);
            let lpath = upath.field("labels");
            for (key, blob) in as_map(labels, &lpath)?.iter() {
                if point_cloud_stream(key).is_none() || self.row.spaces.get(key).is_some() {
                    continue;
                }
                let Some(def) = SpaceDef::mcap_point_cloud(key) else {
                    continue;
                };
                self.row.spaces.add_synthetic(def);
                let bpath = lpath.key(key);
                self.with_parsed(blob, &bpath, |b, blob| {
                    b.point_cloud_blob(key, blob, &bpath, object_answers)
                })?;
            }
        }
        let mut channels: Vec<String> = Vec::new();
        for (answers, name) in [
            (object_answers, "object_answers"),
            (class_answers, "classification_answers"),
        ] {
            let path = Path::Root("label_row").field(name);
            for (_, entry) in as_map(answers, &path)?.iter() {
                let Some(spaces) = entry.get("spaces").and_then(Val::as_map) else {
                    continue;
                };
                for (id, _) in spaces.iter() {
                    if self.row.spaces.get(id).is_none() && !channels.iter().any(|c| c == id) {
                        channels.push(id.to_owned());
                    }
                }
            }
        }
        for id in channels {
            let Some(def) = SpaceDef::mcap_time_series(&id) else {
                continue;
            };
            self.row.spaces.add_synthetic(def);
            self.range_space_objects(&id, SpaceKind::TimeSeries, object_answers)?;
            self.space_classifications(&id, SpaceKind::TimeSeries, class_answers)?;
        }
        Ok(())
    }
}
