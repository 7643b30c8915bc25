"""Asking questions: query text and its checks, typed parameters, the catalogue of named queries, running on the
built store or a remote endpoint, questions about one municipality run on its graphs, and the answer formats.

Everything that asks a question goes through `ask` (or `prepare`, to get the text to run elsewhere). May import
kg.rdf and kg.build (to read a build), never the layers above (intake, publish, serve, cli).
"""

from .ask import Question, ask, find, prepare
from .local import BuiltStore
from .remote import Endpoint
from .results import QueryResult

__all__ = ["BuiltStore", "Endpoint", "QueryResult", "Question", "ask", "find", "prepare"]
