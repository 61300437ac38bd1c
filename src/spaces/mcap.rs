//! Spaces of a self-contained (MCAP) continuous scene. Its label dict declares no spaces (`"spaces": {}`): point
//! clouds are taken on trust from data-unit labels keyed `stream@timestamp_ns`, time-series channels from the
//! space ids that object and classification answers name. These spaces are synthetic: the export leaves them out
//! of `spaces` and writes the point clouds' labels back under their data-unit keys.

use std::sync::Arc;

use serde_json::{json, Value};

use super::{Space, SpaceDef, SpaceKind, SpaceLabels, Spaces, ROOT_SPACE_ID};

/// The stream of a `stream@timestamp_ns` point-cloud key, or None for any other key.
pub fn point_cloud_stream(key: &str) -> Option<&str> {
    let (stream, timestamp) = key.rsplit_once('@')?;
    let digits = !timestamp.is_empty() && timestamp.chars().all(|c| c.is_ascii_digit());
    (!stream.is_empty() && digits).then_some(stream)
}

/// Whether `id` can name a time-series channel taken on trust.
pub fn is_channel_id(id: &str) -> bool {
    !id.is_empty() && id != ROOT_SPACE_ID
}

impl SpaceDef {
    fn synthetic(id: &str, kind: SpaceKind, before_labels: Vec<(&'static str, Value)>) -> Self {
        Self {
            id: id.to_owned(),
            kind,
            before_labels,
            after_labels: Vec::new(),
            number_of_frames: None,
            width: None,
            height: None,
            frame_sizes: Vec::new(),
            synthetic: true,
        }
    }

    /// A point cloud taken on trust from its `stream@timestamp_ns` key.
    pub fn mcap_point_cloud(key: &str) -> Option<Self> {
        let stream = point_cloud_stream(key)?;
        let info = json!({"stream_id": stream, "event_index": 0, "uri": key});
        Some(Self::synthetic(key, SpaceKind::PointCloud, vec![("scene_info", info)]))
    }

    /// A time-series channel taken on trust from its id.
    pub fn mcap_time_series(id: &str) -> Option<Self> {
        let info = json!({"layout_key": id, "file_name": id, "data_link": null});
        is_channel_id(id).then(|| Self::synthetic(id, SpaceKind::TimeSeries, vec![("child_info", info)]))
    }
}

impl Spaces {
    /// Adds a synthetic space at the end (a space with this id already there is kept).
    pub fn add_synthetic(&mut self, def: SpaceDef) {
        if self.spaces.contains_key(&def.id) {
            return;
        }
        let id = def.id.clone();
        self.spaces.insert(
            id,
            Space {
                def: Arc::new(def),
                labels: SpaceLabels::default(),
            },
        );
    }

    /// The synthetic spaces, in order: `(id, space_type, metadata)` for the facade.
    pub fn synthetic(&self) -> impl Iterator<Item = &Space> {
        self.spaces.values().filter(|s| s.def.synthetic)
    }
}
