"""The built-in exporters (BPI, PIC, contrat de ville), registered as plug-ins.

They are found through the ``citeslab.exporters`` entry-point group, exactly as a third
party's exporter is: nothing in ``citeslab_core`` imports this package.
"""
