"""Words of estimative probability: scales, phrase mapping, forecast extraction.

* ``scales``: versioned scales as data files in ``scales/`` (ICD 203, Kent 1964, a
  reader survey, the registry's default): ``load_scale("icd-203@2015")``;
* ``mapping``: ``map_phrase(text, scale)`` reads estimative words as a probability;
* ``extraction``: ``extract_candidates(text, published, scale)`` proposes the forecasts
  of a piece of commentary, with offsets, condition, deadline and a question; each
  ``Candidate`` holds the ``PhraseMatch`` its hedge was read as;
* ``sentences``: a text cut into sentences and clauses, with offsets;
* ``reasons``: why a clause's estimative words are set aside (past, present, meta, an
  evaluation, a wish...);
* ``attribution``: whose forecast a clause states (another's reported speech, with the
  speaker, role, affiliation and reporting words; a byline) and the pundit a name fits;
* ``claims``: the forecasts prediction lists state flat ("SNP to lose a few seats");
* ``conditions``: the condition a forecast hangs on ("if ...", "unless ...");
* ``deadlines``: time expressions resolved against the publication date;
* ``numbers``: probabilities stated as numbers ("70 percent", "one in ten");
* ``questions``: a forecast clause as a suggested "Will ...?" question;
* ``reapply``: re-map stored predictions with another scale version;
* ``evaluation``: precision, recall and error against hand-labelled passages;
* ``commands``: the ``forecasts scale`` group and the ``forecasts extract`` command.
"""

from forecasts.phrases.extraction import Candidate, SetAside, extract, extract_candidates
from forecasts.phrases.mapping import PhraseMatch, map_phrase
from forecasts.phrases.scales import Scale, ScaleEntry, list_scales, load_scale

__all__ = [
    "Candidate",
    "PhraseMatch",
    "Scale",
    "ScaleEntry",
    "SetAside",
    "extract",
    "extract_candidates",
    "list_scales",
    "load_scale",
    "map_phrase",
]
