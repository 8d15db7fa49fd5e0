"""The API's bodies, declared once as pydantic models.

Request models validate what a caller sends (through `api.spec`); response models describe
what the serializers (`representations`) answer. Both become the OpenAPI document's
components, so the document and the code cannot drift apart.
"""
