import sys

from playbook import ensure_collection_link

# Import the collection the way Ansible does: ansible_collections.pbxops.pbx...
sys.path.insert(0, ensure_collection_link())
