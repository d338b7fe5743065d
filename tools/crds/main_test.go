package main

import (
	"testing"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
)

// The shape controller-gen gives Trigger's spec.filters items, whose all/any/not refer back to the
// item's own type.
func recursiveFilter() *apiextensionsv1.JSONSchemaProps {
	return &apiextensionsv1.JSONSchemaProps{
		Type: "object",
		Properties: map[string]apiextensionsv1.JSONSchemaProps{
			"all":    {Type: "array", Items: &apiextensionsv1.JSONSchemaPropsOrArray{Schema: &apiextensionsv1.JSONSchemaProps{}}},
			"not":    {Description: "Not evaluates to true if the nested expression evaluates to false."},
			"exact":  {Type: "object", AdditionalProperties: &apiextensionsv1.JSONSchemaPropsOrBool{Schema: &apiextensionsv1.JSONSchemaProps{Type: "string"}}},
			"port":   {XIntOrString: true},
			"config": {XPreserveUnknownFields: ptr(true)},
		},
	}
}

func ptr[T any](v T) *T { return &v }

func TestOpenRecursiveFieldsTypesTheSelfReferencingFields(t *testing.T) {
	s := recursiveFilter()
	openRecursiveFields(s)
	for _, got := range []apiextensionsv1.JSONSchemaProps{*s.Properties["all"].Items.Schema, s.Properties["not"]} {
		if got.Type != "object" || got.XPreserveUnknownFields == nil || !*got.XPreserveUnknownFields {
			t.Errorf("want an object that keeps unknown fields, got %+v", got)
		}
	}
	if d := s.Properties["not"].Description; d == "" {
		t.Error("the field's description was lost")
	}
}

func TestOpenRecursiveFieldsLeavesTypedFieldsAlone(t *testing.T) {
	s := recursiveFilter()
	openRecursiveFields(s)
	if got := s.Properties["exact"].AdditionalProperties.Schema.Type; got != "string" {
		t.Errorf("exact's values became %q", got)
	}
	if got := s.Properties["port"]; got.Type != "" || got.XPreserveUnknownFields != nil {
		t.Errorf("an int-or-string field was changed: %+v", got)
	}
	if got := s.Properties["config"]; got.Type != "" {
		t.Errorf("a field that already keeps unknown fields was given type %q", got.Type)
	}
}
