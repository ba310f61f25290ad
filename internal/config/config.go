// Package config is the one way every mynadesk program is configured: a
// typed struct per program whose fields carry a `config:"name"` tag, filled
// in layers — the struct's own values (the defaults), then a file, then the
// environment (PREFIX_NAME, dashes as underscores), then the flags given on
// the command line. Every program uses the same flag style: --long, -h.
//
// Adding a setting is one line: a tagged field.
//
//	type Options struct {
//		Listen string        `config:"listen" usage:"address to listen on"`
//		TTL    time.Duration `config:"ttl" usage:"session lifetime"`
//		Secret string        `config:"secret" flag:"-"` // file and environment only
//	}
//
// Field types: string (and named string types), bool, int, float64,
// time.Duration and []string.
package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/spf13/pflag"
	"go.yaml.in/yaml/v3"
)

// Layer names where a value came from.
type Layer int

// The layers, lowest first.
const (
	Default Layer = iota
	File
	Env
	Flag
)

func (l Layer) String() string {
	return [...]string{"default", "file", "environment", "flag"}[l]
}

// Sources tells, per setting name, the layer its value came from.
type Sources map[string]Layer

// field is one tagged struct field.
type field struct {
	name, usage, short string
	flag               bool
	v                  reflect.Value
}

var durationType = reflect.TypeFor[time.Duration]()

// fields returns the tagged fields of the struct cfg points to.
func fields(cfg any) []field {
	rv := reflect.ValueOf(cfg)
	if rv.Kind() != reflect.Pointer || rv.Elem().Kind() != reflect.Struct {
		panic(fmt.Sprintf("config: want a pointer to a struct, not %T", cfg))
	}
	rv = rv.Elem()
	var out []field
	for i := range rv.NumField() {
		sf := rv.Type().Field(i)
		name, ok := sf.Tag.Lookup("config")
		if !ok || name == "-" {
			continue
		}
		out = append(out, field{name: name, usage: sf.Tag.Get("usage"), short: sf.Tag.Get("short"),
			flag: sf.Tag.Get("flag") != "-", v: rv.Field(i)})
	}
	return out
}

// Flags registers on fs one flag per tagged field of the struct cfg points
// to (fields tagged `flag:"-"` get none), with the field's current value as
// the flag's default. Load reads them back.
func Flags(fs *pflag.FlagSet, cfg any) {
	for _, f := range fields(cfg) {
		if !f.flag {
			continue
		}
		switch {
		case f.v.Type() == durationType:
			fs.DurationP(f.name, f.short, time.Duration(f.v.Int()), f.usage)
		case f.v.Kind() == reflect.String:
			fs.StringP(f.name, f.short, f.v.String(), f.usage)
		case f.v.Kind() == reflect.Bool:
			fs.BoolP(f.name, f.short, f.v.Bool(), f.usage)
		case f.v.Kind() == reflect.Int:
			fs.IntP(f.name, f.short, int(f.v.Int()), f.usage)
		case f.v.Kind() == reflect.Float64:
			fs.Float64P(f.name, f.short, f.v.Float(), f.usage)
		case f.v.Kind() == reflect.Slice && f.v.Type().Elem().Kind() == reflect.String:
			fs.StringSliceP(f.name, f.short, f.v.Interface().([]string), f.usage)
		default:
			panic(fmt.Sprintf("config: field %s: unsupported type %s", f.name, f.v.Type()))
		}
	}
}

// Load fills the struct cfg points to, over the values it already holds
// (the defaults): from file (values by setting name, nil for none), then
// from the environment variables prefix_NAME (upper case, dashes as
// underscores), then from the flags of fs that were given on the command
// line (fs may be nil). It returns where each value came from.
func Load(cfg any, file map[string]any, prefix string, fs *pflag.FlagSet) (Sources, error) {
	src := Sources{}
	for _, f := range fields(cfg) {
		src[f.name] = Default
		if raw, ok := file[f.name]; ok {
			if err := setAny(f, raw); err != nil {
				return nil, fmt.Errorf("config file: %s: %w", f.name, err)
			}
			src[f.name] = File
		}
		if env := EnvName(prefix, f.name); env != "" {
			if s, ok := os.LookupEnv(env); ok && s != "" {
				if err := setString(f, s); err != nil {
					return nil, fmt.Errorf("%s: %w", env, err)
				}
				src[f.name] = Env
			}
		}
		if fs == nil || !f.flag {
			continue
		}
		if fl := fs.Lookup(f.name); fl != nil && fl.Changed {
			if err := setFlag(f, fs); err != nil {
				return nil, fmt.Errorf("--%s: %w", f.name, err)
			}
			src[f.name] = Flag
		}
	}
	return src, nil
}

// EnvName is the environment variable of a setting: MYNADESK + service →
// MYNADESK_SERVICE, idle-timeout → MYNADESK_IDLE_TIMEOUT.
func EnvName(prefix, name string) string {
	if prefix == "" {
		return ""
	}
	return prefix + "_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

// Values returns the file form of every tagged field of the struct cfg
// points to: strings, bools, numbers, durations as "1m30s", lists.
func Values(cfg any) map[string]any {
	m := map[string]any{}
	for _, f := range fields(cfg) {
		switch {
		case f.v.Type() == durationType:
			m[f.name] = time.Duration(f.v.Int()).String()
		case f.v.Kind() == reflect.String:
			m[f.name] = f.v.String()
		case f.v.Kind() == reflect.Slice:
			m[f.name] = append([]string(nil), f.v.Interface().([]string)...)
		default:
			m[f.name] = f.v.Interface()
		}
	}
	return m
}

// setFlag sets a field from its flag: lists as pflag parsed them, the rest
// from the flag's text, which pflag writes in the form setString reads.
func setFlag(f field, fs *pflag.FlagSet) error {
	if f.v.Kind() == reflect.Slice {
		l, err := fs.GetStringSlice(f.name)
		if err != nil {
			return err
		}
		f.v.Set(reflect.ValueOf(l))
		return nil
	}
	return setString(f, fs.Lookup(f.name).Value.String())
}

// setAny sets a field from a decoded file value.
func setAny(f field, raw any) error {
	if l, ok := raw.([]any); ok {
		if f.v.Kind() != reflect.Slice {
			return errors.New("a list where one value is expected")
		}
		out := make([]string, len(l))
		for i, x := range l {
			out[i] = fmt.Sprint(x)
		}
		f.v.Set(reflect.ValueOf(out))
		return nil
	}
	if raw == nil {
		return nil
	}
	return setString(f, fmt.Sprint(raw))
}

// setString parses a value given as text (environment, file scalars).
// Lists are separated by commas or spaces.
func setString(f field, s string) error {
	switch {
	case f.v.Type() == durationType:
		d, err := time.ParseDuration(s)
		if err != nil {
			return err
		}
		f.v.SetInt(int64(d))
	case f.v.Kind() == reflect.String:
		f.v.SetString(s)
	case f.v.Kind() == reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return err
		}
		f.v.SetBool(b)
	case f.v.Kind() == reflect.Int:
		n, err := strconv.Atoi(s)
		if err != nil {
			return err
		}
		f.v.SetInt(int64(n))
	case f.v.Kind() == reflect.Float64:
		x, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return err
		}
		f.v.SetFloat(x)
	case f.v.Kind() == reflect.Slice:
		f.v.Set(reflect.ValueOf(strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' })))
	}
	return nil
}

// ReadFile reads a settings file into values by name: TOML for *.toml,
// JSON for *.json, YAML otherwise. A missing file is an error wrapping
// os.ErrNotExist.
func ReadFile(path string) (map[string]any, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	m := map[string]any{}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".toml":
		err = toml.Unmarshal(b, &m)
	case ".json":
		err = json.Unmarshal(b, &m)
	default:
		err = yaml.Unmarshal(b, &m)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// WriteFile writes values as YAML to path, mode 0600, through a temporary
// file so that a crash never leaves half a file.
func WriteFile(path string, values map[string]any) error {
	b, err := yaml.Marshal(values)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	if err := os.Chmod(tmp, 0o600); err != nil { // WriteFile keeps an existing file's mode
		return err
	}
	return os.Rename(tmp, path)
}

// FilePath is the settings file to read: --config if given, else the
// environment's prefix_CONFIG, else def.
func FilePath(fs *pflag.FlagSet, prefix, def string) string {
	if fs != nil {
		if f := fs.Lookup("config"); f != nil && f.Changed {
			return f.Value.String()
		}
	}
	if v := os.Getenv(EnvName(prefix, "config")); v != "" {
		return v
	}
	return def
}

// NewFlagSet is a flag set as every mynadesk command has one: --long
// flags, -h and --help for help, errors returned (not exiting), messages
// to the set's output.
func NewFlagSet(name string) *pflag.FlagSet {
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	fs.SortFlags = false
	return fs
}

// Parse parses args with fs. An unknown flag is reported as Go's flag
// package words it ("flag provided but not defined: -x"), the wording the
// commands have always used.
func Parse(fs *pflag.FlagSet, args []string) error {
	err := fs.Parse(args)
	if err != nil && strings.HasPrefix(err.Error(), "unknown flag: ") {
		return fmt.Errorf("flag provided but not defined: %s", strings.TrimPrefix(err.Error(), "unknown flag: "))
	}
	if err != nil && strings.HasPrefix(err.Error(), "unknown shorthand flag: ") {
		return fmt.Errorf("flag provided but not defined: %s", strings.TrimPrefix(err.Error(), "unknown shorthand flag: "))
	}
	return err
}
