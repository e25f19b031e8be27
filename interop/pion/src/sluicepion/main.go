// Command sluicepion is an independent WebRTC data-channel peer built on Pion (pion/webrtc v3,
// Debian's golang-github-pion-webrtc.v3-dev), used to test and measure Sluice against another
// stack, and as the reference server it is compared with.
//
//	sluicepion client --url http://HOST:PORT/v1/whip?bridge=loopback --mode mixed|bulk|setup [options]
//	sluicepion server --listen HOST:PORT [--ice-address IP]
//
// The client creates one data channel "bench", offers with all its candidates gathered, POSTs the
// offer (application/sdp) to the one-call URL (201 with the answer and a Location), applies the
// answer, waits for the channel to open, then sends as fast as its own flow control allows (it
// pauses above 1 MiB bufferedAmount and resumes on bufferedamountlow at 256 KiB) and checks that
// every echo comes back complete, byte for byte, and in order on ordered channels. At the end it
// DELETEs the Location and prints one JSON line of results; it exits 1 when anything failed.
//
// The server answers the same one-call contract and echoes every message back on its channel,
// holding the remote back (it stops reading) while its own bufferedAmount is above 1 MiB.
//
// Build offline in GOPATH mode (see interop/README.md):
//
//	GO111MODULE=off GOFLAGS= GOPROXY=off GOPATH=$PWD/interop/pion:/usr/share/gocode go build -o target/sluicepion sluicepion
package main

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/pion/datachannel"
	"github.com/pion/ice/v2"
	"github.com/pion/logging"
	"github.com/pion/webrtc/v3"
)

const (
	highWater  = 1 << 20   // the sender pauses above this bufferedAmount
	lowWater   = 256 << 10 // and resumes when bufferedamountlow fires at this threshold
	readBuffer = 256 << 10 // larger than any message a peer may send us
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: sluicepion client|server [flags]")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "client":
		os.Exit(runClient(os.Args[2:]))
	case "server":
		os.Exit(runServer(os.Args[2:]))
	default:
		fmt.Fprintf(os.Stderr, "unknown command %q: use client or server\n", os.Args[1])
		os.Exit(2)
	}
}

// ---------------------------------------------------------------------------------------------
// Pion setup

// addressList is a repeatable --ice-address flag.
type addressList []net.IP

func (a *addressList) String() string { return fmt.Sprint(*a) }

func (a *addressList) Set(s string) error {
	ip := net.ParseIP(s)
	if ip == nil {
		return fmt.Errorf("not an IP address: %q", s)
	}
	*a = append(*a, ip)
	return nil
}

// newAPI returns a Pion API that gathers host candidates on the given addresses only (all
// non-loopback addresses when none are given), never announces mDNS names, and hands out
// detached data channels (so messages of any size up to readBuffer can be read). With one
// address and udpBuffer > 0, every connection shares one UDP socket on that address with
// udpBuffer bytes of kernel buffers (Pion's own sockets keep the kernel's default, about 208 KiB,
// which overflows under SCTP bursts and turns into retransmissions).
func newAPI(addresses addressList, udpBuffer int) (*webrtc.API, error) {
	var s webrtc.SettingEngine
	logs := logging.NewDefaultLoggerFactory() // levels from PION_LOG_*; stdout carries only results
	logs.Writer = os.Stderr
	s.LoggerFactory = logs
	s.DetachDataChannels()
	s.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	s.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4, webrtc.NetworkTypeUDP6})
	if len(addresses) > 0 {
		s.SetIPFilter(func(ip net.IP) bool {
			for _, a := range addresses {
				if a.Equal(ip) {
					return true
				}
			}
			return false
		})
	}
	if len(addresses) == 1 && udpBuffer > 0 {
		conn, err := net.ListenUDP("udp", &net.UDPAddr{IP: addresses[0]})
		if err != nil {
			return nil, err
		}
		if err = conn.SetReadBuffer(udpBuffer); err == nil {
			err = conn.SetWriteBuffer(udpBuffer)
		}
		if err != nil {
			return nil, err
		}
		s.SetICEUDPMux(ice.NewUDPMuxDefault(ice.UDPMuxParams{UDPConn: conn}))
	}
	return webrtc.NewAPI(webrtc.WithSettingEngine(s)), nil
}

// flowControl lets a writer wait while the channel's bufferedAmount is above highWater.
type flowControl struct {
	dc  *webrtc.DataChannel
	low chan struct{}
}

func newFlowControl(dc *webrtc.DataChannel) *flowControl {
	f := &flowControl{dc: dc, low: make(chan struct{}, 1)}
	dc.SetBufferedAmountLowThreshold(lowWater)
	dc.OnBufferedAmountLow(func() {
		select {
		case f.low <- struct{}{}:
		default:
		}
	})
	return f
}

// wait returns once bufferedAmount is at most highWater, or an error when done is closed first,
// the channel is no longer open, or a minute passes without the amount falling.
func (f *flowControl) wait(done <-chan struct{}) error {
	for waited := 0; ; waited++ {
		select {
		case <-f.low:
		default:
		}
		if f.dc.BufferedAmount() <= highWater {
			return nil
		}
		if st := f.dc.ReadyState(); st != webrtc.DataChannelStateOpen || waited >= 60 {
			return fmt.Errorf("bufferedAmount %d stays above %d (channel %s)", f.dc.BufferedAmount(), highWater, st)
		}
		// bufferedamountlow fires when the amount crosses lowWater after the check above; the
		// timer only guards against a channel that closes meanwhile.
		select {
		case <-f.low:
		case <-done:
			return errors.New("stopped while waiting for bufferedamountlow")
		case <-time.After(time.Second):
		}
	}
}

// ---------------------------------------------------------------------------------------------
// Messages: a deterministic plan, content derived from the sequence number, checked by digest.

// splitmix64 is a small PRNG also used by the aiortc client, so both send the same plan.
type splitmix64 uint64

func (s *splitmix64) next() uint64 {
	*s += 0x9E3779B97F4A7C15
	z := uint64(*s)
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

type message struct {
	text bool
	data []byte
}

// plan returns the messages of a run. mixed: count messages of 0..65536 bytes, text and binary,
// half of the sizes uniform in 1..65536 and half log-uniform (many small ones); with 40 or more
// messages, the edge sizes 0, 1, 65535 and 65536 of both kinds are placed at random positions.
// bulk: total bytes in binary messages of size bytes. The aiortc client draws the same plan.
func plan(mode string, count, total, size int, seed uint64) ([]message, error) {
	rng := splitmix64(seed)
	type spec struct {
		n    int
		text bool
	}
	var specs []spec
	switch mode {
	case "mixed", "setup":
		for i := 0; i < count; i++ {
			r1, r2, r3 := rng.next(), rng.next(), rng.next()
			n := 1 + int(r2%65536)
			if r1%2 == 1 {
				n = 1 + int(r3%(uint64(1)<<(1+r2%16)))
			}
			specs = append(specs, spec{n, (r1>>1)%2 == 0})
		}
		edges := []int{0, 0, 1, 1, 65535, 65535, 65536, 65536, 65536, 65536}
		if count >= 4*len(edges) {
			bucket := count / len(edges)
			for k, e := range edges {
				specs[k*bucket+int(rng.next()%uint64(bucket))] = spec{e, k%2 == 0}
			}
		}
	case "bulk":
		if size <= 0 || size > 65536 || total <= 0 {
			return nil, fmt.Errorf("bulk needs 0 < --size <= 65536 and --bytes > 0")
		}
		for ; total > 0; total -= size {
			specs = append(specs, spec{min(size, total), false})
		}
	default:
		return nil, fmt.Errorf("unknown --mode %q: use mixed, bulk or setup", mode)
	}
	msgs := make([]message, len(specs))
	for i, sp := range specs {
		msgs[i] = message{text: sp.text, data: content(seed, i, sp.n, sp.text)}
	}
	return msgs, nil
}

func min(a, b int) int {
	if a < b {
		return a
	}
	return b
}

const textAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"

// content is n bytes for message seq: pseudo-random bytes, or for text valid UTF-8 of exactly n
// bytes (ASCII with a three-byte and a two-byte character where they fit).
func content(seed uint64, seq, n int, text bool) []byte {
	rng := splitmix64(seed ^ (uint64(seq)+1)*0xD1B54A32D192ED03)
	b := make([]byte, n)
	for i := 0; i < n; i += 8 {
		v := rng.next()
		for k := 0; k < 8 && i+k < n; k++ {
			b[i+k] = byte(v >> (8 * k))
		}
	}
	if text {
		for i := range b {
			b[i] = textAlphabet[b[i]&63]
		}
		if n >= 3 {
			copy(b, "✓")
		}
		if n >= 5 {
			copy(b[n-2:], "é")
		}
	}
	return b
}

type digest [32]byte

func digestOf(text bool, data []byte) digest {
	h := sha256.New()
	if text {
		h.Write([]byte{1})
	} else {
		h.Write([]byte{0})
	}
	h.Write(data)
	var d digest
	copy(d[:], h.Sum(nil))
	return d
}

// tracker matches echoes with the plan: every received message must be one of the planned ones,
// each exactly once; on ordered channels in plan order.
type tracker struct {
	mu          sync.Mutex
	expected    map[digest][]int // planned messages not yet received, by content, in plan order
	total       int
	received    int
	matched     int
	corrupted   int
	duplicates  int
	outOfOrder  int
	bytes       int64
	lastSeq     int
	lastArrival time.Time
	all         chan struct{}
	sizes       []int
	heads       map[string]int // first 16 bytes of planned messages of 16 bytes or more -> seq
	tails       map[string]int // last 16 bytes -> seq
	corruptions []corruption
}

// corruption describes an echo that matches no planned message, for finding what broke it: a
// planned message it starts like (truncated? merged?) and one it ends like.
type corruption struct {
	Size    int    `json:"size"`
	Text    bool   `json:"text"`
	Head    string `json:"head"`
	StartOf *int   `json:"startOfSeq,omitempty"`
	StartSz int    `json:"startOfSize,omitempty"`
	EndOf   *int   `json:"endOfSeq,omitempty"`
	EndSz   int    `json:"endOfSize,omitempty"`
}

func newTracker(msgs []message) *tracker {
	t := &tracker{expected: map[digest][]int{}, total: len(msgs), lastSeq: -1, all: make(chan struct{}),
		heads: map[string]int{}, tails: map[string]int{}}
	for i, m := range msgs {
		d := digestOf(m.text, m.data)
		t.expected[d] = append(t.expected[d], i)
		t.sizes = append(t.sizes, len(m.data))
		if len(m.data) >= 16 {
			t.heads[string(m.data[:16])] = i
			t.tails[string(m.data[len(m.data)-16:])] = i
		}
	}
	if len(msgs) == 0 {
		close(t.all)
	}
	return t
}

// record checks one echo; known holds every planned content, to tell a duplicate from a corruption.
func (t *tracker) record(text bool, data []byte, known map[digest]bool) {
	d := digestOf(text, data)
	t.mu.Lock()
	defer t.mu.Unlock()
	t.received++
	t.bytes += int64(len(data))
	t.lastArrival = time.Now()
	seqs := t.expected[d]
	if len(seqs) == 0 {
		if known[d] {
			t.duplicates++
		} else {
			t.corrupted++
			t.describeCorruption(text, data)
		}
		return
	}
	seq := seqs[0]
	t.expected[d] = seqs[1:]
	if seq < t.lastSeq {
		t.outOfOrder++
	} else {
		t.lastSeq = seq
	}
	t.matched++
	if t.matched == t.total {
		close(t.all)
	}
}

func (t *tracker) describeCorruption(text bool, data []byte) {
	if len(t.corruptions) >= 10 {
		return
	}
	c := corruption{Size: len(data), Text: text, Head: hex.EncodeToString(data[:min(16, len(data))])}
	if len(data) >= 16 {
		if seq, ok := t.heads[string(data[:16])]; ok {
			c.StartOf, c.StartSz = &seq, t.sizes[seq]
		}
		if seq, ok := t.tails[string(data[len(data)-16:])]; ok {
			c.EndOf, c.EndSz = &seq, t.sizes[seq]
		}
	}
	t.corruptions = append(t.corruptions, c)
}

// ---------------------------------------------------------------------------------------------
// Client

type result struct {
	Client      string       `json:"client"`
	Mode        string       `json:"mode"`
	Ordered     bool         `json:"ordered"`
	OK          bool         `json:"ok"`
	Sent        int          `json:"sent"`
	Received    int          `json:"received"`
	Missing     int          `json:"missing"`
	Corrupted   int          `json:"corrupted"`
	Duplicates  int          `json:"duplicates"`
	OutOfOrder  int          `json:"outOfOrder"`
	Bytes       int64        `json:"bytes"`
	Seconds     float64      `json:"seconds"`
	MBPerSec    float64      `json:"mbPerSec"`
	PostMs      float64      `json:"postMs"`
	OpenMs      float64      `json:"openMs"`
	PostMsAll   []float64    `json:"postMsAll,omitempty"`
	OpenMsAll   []float64    `json:"openMsAll,omitempty"`
	Connections int          `json:"connections,omitempty"`
	Corruptions []corruption `json:"corruptions,omitempty"`
	Error       string       `json:"error"`
}

type clientOptions struct {
	url               string
	mode              string
	ordered           bool
	maxRetransmits    int
	maxPacketLifeTime int
	count             int
	bytes             int
	size              int
	connections       int
	seed              uint64
	timeout           time.Duration
	idle              time.Duration
	addresses         addressList
	udpBuffer         int
}

func runClient(args []string) int {
	fs := flag.NewFlagSet("client", flag.ExitOnError)
	var o clientOptions
	var ordered string
	fs.StringVar(&o.url, "url", "", "one-call URL (POST offer -> 201 answer + Location)")
	fs.StringVar(&o.mode, "mode", "mixed", "mixed | bulk | setup")
	fs.StringVar(&ordered, "ordered", "true", "ordered channel: true | false")
	fs.IntVar(&o.maxRetransmits, "max-retransmits", -1, "partially reliable: maxRetransmits (unset: -1)")
	fs.IntVar(&o.maxPacketLifeTime, "max-packet-lifetime", -1, "partially reliable: maxPacketLifeTime in ms (unset: -1)")
	fs.IntVar(&o.count, "count", 1000, "mixed: number of messages")
	fs.IntVar(&o.bytes, "bytes", 64<<20, "bulk: total bytes")
	fs.IntVar(&o.size, "size", 16384, "bulk: message size")
	fs.IntVar(&o.connections, "connections", 10, "setup: sequential connections")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of the message plan")
	timeout := fs.Float64("timeout", 300, "seconds for the whole run")
	idle := fs.Float64("idle-timeout", 20, "seconds without an echo after the last send before giving up")
	fs.Var(&o.addresses, "ice-address", "gather on this address only (repeatable)")
	fs.IntVar(&o.udpBuffer, "udp-buffer", 4<<20, "kernel UDP buffers with one --ice-address (0: Pion's default sockets)")
	_ = fs.Parse(args)
	o.timeout = time.Duration(*timeout * float64(time.Second))
	o.idle = time.Duration(*idle * float64(time.Second))
	if ordered != "true" && ordered != "false" {
		fmt.Fprintf(os.Stderr, "--ordered must be true or false, not %q\n", ordered)
		return 2
	}
	o.ordered = ordered == "true"

	r := result{Client: "pion", Mode: o.mode, Ordered: o.ordered}
	var err error
	if o.url == "" {
		err = errors.New("--url is required")
	} else if o.mode == "setup" {
		err = setupTiming(o, &r)
	} else {
		err = echoRun(o, &r)
	}
	if err != nil {
		r.Error = err.Error()
	}
	r.OK = err == nil && r.Missing == 0 && r.Corrupted == 0 && r.Duplicates == 0 && (!o.ordered || r.OutOfOrder == 0)
	line, _ := json.Marshal(r)
	fmt.Println(string(line))
	if !r.OK {
		return 1
	}
	return 0
}

// session is one connection to the server under test.
type session struct {
	pc       *webrtc.PeerConnection
	dc       *webrtc.DataChannel
	raw      datachannel.ReadWriteCloser
	location string
	postMs   float64
	openMs   float64
}

func connect(api *webrtc.API, o clientOptions) (*session, error) {
	pc, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		return nil, err
	}
	s := &session{pc: pc}
	ok := false
	defer func() {
		if !ok {
			s.close()
		}
	}()
	init := &webrtc.DataChannelInit{Ordered: &o.ordered}
	if o.maxRetransmits >= 0 {
		v := uint16(o.maxRetransmits)
		init.MaxRetransmits = &v
	}
	if o.maxPacketLifeTime >= 0 {
		v := uint16(o.maxPacketLifeTime)
		init.MaxPacketLifeTime = &v
	}
	dc, err := pc.CreateDataChannel("bench", init)
	if err != nil {
		return nil, err
	}
	s.dc = dc
	opened := make(chan datachannel.ReadWriteCloser, 1)
	openErr := make(chan error, 1)
	dc.OnOpen(func() {
		raw, err := dc.Detach()
		if err != nil {
			openErr <- err
			return
		}
		opened <- raw
	})
	failed := make(chan webrtc.PeerConnectionState, 1)
	pc.OnConnectionStateChange(func(st webrtc.PeerConnectionState) {
		if st == webrtc.PeerConnectionStateFailed || st == webrtc.PeerConnectionStateClosed {
			select {
			case failed <- st:
			default:
			}
		}
	})
	offer, err := pc.CreateOffer(nil)
	if err != nil {
		return nil, err
	}
	gathered := webrtc.GatheringCompletePromise(pc)
	if err = pc.SetLocalDescription(offer); err != nil {
		return nil, err
	}
	select {
	case <-gathered:
	case <-time.After(10 * time.Second):
		return nil, errors.New("ICE gathering did not complete within 10 s")
	}

	t0 := time.Now()
	req, _ := http.NewRequest(http.MethodPost, o.url, strings.NewReader(pc.LocalDescription().SDP))
	req.Header.Set("Content-Type", "application/sdp")
	resp, err := httpClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("POST %s: %w", o.url, err)
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	s.postMs = ms(time.Since(t0))
	if resp.StatusCode != http.StatusCreated {
		return nil, fmt.Errorf("POST %s: %d %s", o.url, resp.StatusCode, strings.TrimSpace(string(body)))
	}
	if loc := resp.Header.Get("Location"); loc != "" {
		base, _ := url.Parse(o.url)
		ref, err := url.Parse(loc)
		if err == nil {
			s.location = base.ResolveReference(ref).String()
		}
	}
	if s.location == "" {
		return nil, errors.New("201 without a Location header")
	}

	t1 := time.Now()
	if err = pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: string(body)}); err != nil {
		return nil, fmt.Errorf("setRemoteDescription(answer): %w", err)
	}
	select {
	case s.raw = <-opened:
		s.openMs = ms(time.Since(t1))
	case err = <-openErr:
		return nil, fmt.Errorf("detach: %w", err)
	case st := <-failed:
		return nil, fmt.Errorf("peer connection %s before the channel opened", st)
	case <-time.After(30 * time.Second):
		return nil, fmt.Errorf("channel not open 30 s after the answer (connection %s)", pc.ConnectionState())
	}
	ok = true
	return s, nil
}

// close ends the connection and DELETEs the server's resource; the DELETE's failure is returned.
func (s *session) close() error {
	if s.pc != nil {
		_ = s.pc.Close()
	}
	if s.location == "" {
		return nil
	}
	req, _ := http.NewRequest(http.MethodDelete, s.location, nil)
	resp, err := httpClient.Do(req)
	if err != nil {
		return fmt.Errorf("DELETE %s: %w", s.location, err)
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("DELETE %s: %d", s.location, resp.StatusCode)
	}
	return nil
}

var httpClient = &http.Client{Timeout: 30 * time.Second}

func echoRun(o clientOptions, r *result) error {
	msgs, err := plan(o.mode, o.count, o.bytes, o.size, o.seed)
	if err != nil {
		return err
	}
	t := newTracker(msgs)
	known := map[digest]bool{}
	for d := range t.expected {
		known[d] = true
	}
	api, err := newAPI(o.addresses, o.udpBuffer)
	if err != nil {
		return err
	}
	s, err := connect(api, o)
	if err != nil {
		return err
	}
	r.PostMs, r.OpenMs = s.postMs, s.openMs

	stop := make(chan struct{})
	readDone := make(chan error, 1)
	go func() {
		buf := make([]byte, readBuffer)
		for {
			n, isString, err := s.raw.ReadDataChannel(buf)
			if err != nil {
				readDone <- err
				return
			}
			t.record(isString, buf[:n], known)
		}
	}()

	fc := newFlowControl(s.dc)
	start := time.Now()
	sendErr := make(chan error, 1)
	go func() {
		for i, m := range msgs {
			if err := fc.wait(stop); err != nil {
				sendErr <- err
				return
			}
			if _, err := s.raw.WriteDataChannel(m.data, m.text); err != nil {
				sendErr <- fmt.Errorf("send of message %d (%d bytes): %w", i, len(m.data), err)
				return
			}
			r.Sent = i + 1
		}
		sendErr <- nil
	}()

	deadline := time.After(o.timeout)
	var runErr error
	sending := true
	idle := time.NewTicker(500 * time.Millisecond)
	defer idle.Stop()
wait:
	for {
		select {
		case <-t.all:
			break wait
		case err := <-sendErr:
			sending = false
			if err != nil {
				runErr = err
				break wait
			}
		case err := <-readDone:
			runErr = fmt.Errorf("channel read ended: %v", err)
			break wait
		case <-deadline:
			runErr = fmt.Errorf("not all echoes within %s", o.timeout)
			break wait
		case <-idle.C:
			t.mu.Lock()
			last := t.lastArrival
			t.mu.Unlock()
			if last.IsZero() {
				last = start
			}
			if !sending && time.Since(last) > o.idle {
				runErr = fmt.Errorf("no echo for %s after the last send", o.idle)
				break wait
			}
		}
	}
	elapsed := time.Since(start)
	close(stop)
	t.mu.Lock()
	r.Received, r.Corrupted, r.Duplicates, r.OutOfOrder, r.Bytes = t.received, t.corrupted, t.duplicates, t.outOfOrder, t.bytes
	r.Missing = t.total - t.matched
	r.Corruptions = t.corruptions
	t.mu.Unlock()
	r.Seconds = elapsed.Seconds()
	if r.Seconds > 0 {
		r.MBPerSec = float64(r.Bytes) / 1e6 / r.Seconds
	}
	if err := s.close(); err != nil && runErr == nil {
		runErr = err
	}
	return runErr
}

// setupTiming makes N sequential connections, each echoing one small message, and reports the
// medians of POST->201 and answer applied->channel open.
func setupTiming(o clientOptions, r *result) error {
	api, err := newAPI(o.addresses, o.udpBuffer)
	if err != nil {
		return err
	}
	for i := 0; i < o.connections; i++ {
		s, err := connect(api, o)
		if err != nil {
			return fmt.Errorf("connection %d: %w", i+1, err)
		}
		probe := []byte(fmt.Sprintf("setup %d", i))
		_, err = s.raw.WriteDataChannel(probe, true)
		buf := make([]byte, readBuffer)
		var n int
		if err == nil {
			n, _, err = readWithin(s.raw, buf, 10*time.Second)
		}
		if err == nil && !bytes.Equal(buf[:n], probe) {
			err = fmt.Errorf("echo %q, want %q", buf[:n], probe)
		}
		closeErr := s.close()
		if err != nil {
			return fmt.Errorf("connection %d: %w", i+1, err)
		}
		if closeErr != nil {
			return closeErr
		}
		r.Sent++
		r.Received++
		r.PostMsAll = append(r.PostMsAll, s.postMs)
		r.OpenMsAll = append(r.OpenMsAll, s.openMs)
	}
	r.Connections = o.connections
	r.PostMs = median(r.PostMsAll)
	r.OpenMs = median(r.OpenMsAll)
	return nil
}

func readWithin(raw datachannel.ReadWriteCloser, buf []byte, d time.Duration) (int, bool, error) {
	type read struct {
		n   int
		str bool
		err error
	}
	ch := make(chan read, 1)
	go func() {
		n, str, err := raw.ReadDataChannel(buf)
		ch <- read{n, str, err}
	}()
	select {
	case got := <-ch:
		return got.n, got.str, got.err
	case <-time.After(d):
		return 0, false, fmt.Errorf("no echo within %s", d)
	}
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// ---------------------------------------------------------------------------------------------
// Server

type server struct {
	api   *webrtc.API
	mu    sync.Mutex
	peers map[string]*webrtc.PeerConnection
}

func runServer(args []string) int {
	fs := flag.NewFlagSet("server", flag.ExitOnError)
	listen := fs.String("listen", "127.0.0.1:0", "HTTP address of the one-call endpoint")
	var addresses addressList
	fs.Var(&addresses, "ice-address", "gather on this address only (repeatable)")
	udpBuffer := fs.Int("udp-buffer", 4<<20, "kernel UDP buffers with one --ice-address (0: Pion's default sockets)")
	_ = fs.Parse(args)

	api, err := newAPI(addresses, *udpBuffer)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	srv := &server{api: api, peers: map[string]*webrtc.PeerConnection{}}
	line, _ := json.Marshal(map[string]string{"listening": ln.Addr().String()})
	fmt.Println(string(line))
	if err := http.Serve(ln, srv); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

func (s *server) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	switch req.Method {
	case http.MethodPost:
		s.create(w, req)
	case http.MethodDelete:
		id := req.URL.Path[strings.LastIndex(req.URL.Path, "/")+1:]
		s.mu.Lock()
		pc := s.peers[id]
		delete(s.peers, id)
		s.mu.Unlock()
		if pc == nil {
			http.Error(w, "no such session", http.StatusNotFound)
			return
		}
		_ = pc.Close()
		w.WriteHeader(http.StatusOK)
	default:
		http.Error(w, "POST an offer or DELETE a session", http.StatusMethodNotAllowed)
	}
}

func (s *server) create(w http.ResponseWriter, req *http.Request) {
	if ct := req.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/sdp") {
		http.Error(w, "Content-Type must be application/sdp", http.StatusUnsupportedMediaType)
		return
	}
	offer, err := io.ReadAll(io.LimitReader(req.Body, 1<<20))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	pc, err := s.api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	id := newID()
	pc.OnDataChannel(func(dc *webrtc.DataChannel) {
		dc.OnOpen(func() {
			raw, err := dc.Detach()
			if err != nil {
				fmt.Fprintln(os.Stderr, "detach:", err)
				return
			}
			go echo(dc, raw)
		})
	})
	pc.OnConnectionStateChange(func(st webrtc.PeerConnectionState) {
		if st == webrtc.PeerConnectionStateFailed || st == webrtc.PeerConnectionStateClosed {
			s.mu.Lock()
			delete(s.peers, id)
			s.mu.Unlock()
			_ = pc.Close()
		}
	})
	fail := func(status int, err error) {
		_ = pc.Close()
		http.Error(w, err.Error(), status)
	}
	if err = pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: string(offer)}); err != nil {
		fail(http.StatusBadRequest, err)
		return
	}
	answer, err := pc.CreateAnswer(nil)
	if err != nil {
		fail(http.StatusBadRequest, err)
		return
	}
	gathered := webrtc.GatheringCompletePromise(pc)
	if err = pc.SetLocalDescription(answer); err != nil {
		fail(http.StatusInternalServerError, err)
		return
	}
	<-gathered
	s.mu.Lock()
	s.peers[id] = pc
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/sdp")
	w.Header().Set("Location", "/v1/whip/"+id)
	w.WriteHeader(http.StatusCreated)
	_, _ = io.WriteString(w, pc.LocalDescription().SDP)
}

// echo sends every message back with its type; while bufferedAmount is above highWater it stops
// reading, so the remote is held back by SCTP's window instead of anything being dropped.
func echo(dc *webrtc.DataChannel, raw datachannel.ReadWriteCloser) {
	fc := newFlowControl(dc)
	never := make(chan struct{})
	buf := make([]byte, readBuffer)
	for {
		n, isString, err := raw.ReadDataChannel(buf)
		if err != nil {
			return
		}
		if err := fc.wait(never); err != nil {
			return
		}
		if _, err := raw.WriteDataChannel(buf[:n], isString); err != nil {
			fmt.Fprintln(os.Stderr, "echo:", err)
			return
		}
	}
}

func newID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
