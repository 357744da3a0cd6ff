"""Function words that carry no topic (English; IDF discounts other languages' own)."""

_WORDS = """a about above after again against all also am an and any are as at be because been
    before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself yourselves
    said says say told according would could may might must shall one two three new also just
    like get got us s t don re ve ll d m o"""
STOPWORDS = frozenset(_WORDS.split())
