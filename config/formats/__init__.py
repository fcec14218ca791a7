"""The project's date formats per UI language (FORMAT_MODULE_PATH): web pages say dates the reader's way.

Official documents under templates/documents/pdf/ do not use these: they are always Chinese (document_tags.cn_date).
"""
