"""Label-row objects: the ontology, instances, coordinates and `LabelRowV2`, as in the reference SDK."""

from labelrow.objects.attributes import ChecklistAttribute, NumericAttribute, RadioAttribute, TextAttribute
from labelrow.objects.classification import Classification
from labelrow.objects.classification_instance import ClassificationInstance
from labelrow.objects.common import Shape
from labelrow.objects.events import LabelDeleteEvent, LabelEvent, LabelUpsertEvent
from labelrow.objects.metadata import DICOMSeriesMetadata, DICOMSliceMetadata
from labelrow.objects.ontology_labels_impl import LabelRowV2
from labelrow.objects.ontology_object import Object
from labelrow.objects.ontology_object_instance import AnswerForFrames, ObjectInstance
from labelrow.objects.ontology_structure import OntologyStructure
from labelrow.objects.options import FlatOption, NestableOption, Option

__all__ = [
    "AnswerForFrames",
    "ChecklistAttribute",
    "Classification",
    "ClassificationInstance",
    "DICOMSeriesMetadata",
    "DICOMSliceMetadata",
    "FlatOption",
    "LabelDeleteEvent",
    "LabelEvent",
    "LabelRowV2",
    "LabelUpsertEvent",
    "NestableOption",
    "NumericAttribute",
    "Object",
    "ObjectInstance",
    "OntologyStructure",
    "Option",
    "RadioAttribute",
    "Shape",
    "TextAttribute",
]
